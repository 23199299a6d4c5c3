using System.Globalization;
using System.Text.Json;

namespace OfflinePortal.Tests.Infrastructure;

/// <summary>
/// Koop (Esri's open-source FeatureServer, from npm) with the GeoJSON file provider, started on loopback: a real
/// third-party ArcGIS-compatible feature service. Each file <c>name.geojson</c> in the data folder is served at
/// <c>{ServicesUrl}/name/FeatureServer</c>.
/// </summary>
public sealed class KoopServer : IAsyncDisposable
{
    private readonly RunningProcess _process;
    private readonly string _dataDirectory;

    private KoopServer(RunningProcess process, string dataDirectory, int port)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        ServicesUrl = $"http://127.0.0.1:{port}/file-geojson/rest/services";
    }

    public string ServicesUrl { get; }

    public string FeatureServerUrl(string name) => $"{ServicesUrl}/{name}/FeatureServer";

    public static string NpmDirectory => Path.Combine(TestPaths.RepositoryRoot, "OfflinePortal.Tests", "npm");

    /// <summary>Starts Koop over GeoJSON files written by <paramref name="writeData"/> into a fresh data folder.</summary>
    public static async Task<KoopServer> StartAsync(Action<string> writeData)
    {
        var koop = Path.Combine(NpmDirectory, "node_modules", "@koopjs", "koop-core");
        if (!Directory.Exists(koop))
        {
            throw new InvalidOperationException($"Koop is not installed: run 'npm ci' in {NpmDirectory} (scripts/test.sh does).");
        }
        var data = TestPaths.NewTempDirectory("koop");
        writeData(data);
        var process = ProcessRunner.Start("node", ["koop-server.js", data], NpmDirectory,
            new Dictionary<string, string?> { ["SUPPRESS_NO_CONFIG_WARNING"] = "1", ["NODE_ENV"] = "test" });
        try
        {
            var line = await process.WaitForLineAsync(l => l.StartsWith("KOOP LISTENING ", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            var port = int.Parse(line["KOOP LISTENING ".Length..].Trim(), CultureInfo.InvariantCulture);
            return new KoopServer(process, data, port);
        }
        catch
        {
            await process.DisposeAsync();
            TestPaths.DeleteQuietly(data);
            throw;
        }
    }

    /// <summary>Writes a GeoJSON FeatureCollection of points with an OBJECTID, a name, a kind and a numeric value.</summary>
    public static void WritePoints(string dataDirectory, string name, IEnumerable<(double Lon, double Lat)> points)
    {
        var features = points.Select((p, i) => new
        {
            type = "Feature",
            geometry = new { type = "Point", coordinates = new[] { p.Lon, p.Lat } },
            properties = new { OBJECTID = i + 1, name = $"Point {i + 1}", kind = i % 3 == 0 ? "a" : "b", value = (i * 7) % 100 },
        });
        File.WriteAllText(Path.Combine(dataDirectory, name + ".geojson"),
            JsonSerializer.Serialize(new { type = "FeatureCollection", features }));
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        TestPaths.DeleteQuietly(_dataDirectory);
    }
}
