using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Offline;
using OfflinePortal.SamplePortal;
using OfflinePortal.Tests.ArcGis;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.Offline;

/// <summary>The offline engine as the application registers it (<c>AddOfflineMaps</c>), with quick retries and polls for tests.</summary>
public sealed class OfflineEngine : IAsyncDisposable
{
    private OfflineEngine(ServiceProvider services, CapturingLoggerProvider logs)
    {
        Services = services;
        Logs = logs;
    }

    public ServiceProvider Services { get; }

    public CapturingLoggerProvider Logs { get; }

    public OfflineMapTaskFactory Factory => Services.GetRequiredService<OfflineMapTaskFactory>();

    public static OfflineEngine Create(Action<OfflineMapOptions>? configure = null, Action<ArcGisClientOptions>? clients = null)
    {
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(logs));
        services.AddArcGisClients(configure: o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            o.RetryMaxDelay = TimeSpan.FromMilliseconds(100);
            o.JobPollInterval = TimeSpan.FromMilliseconds(25);
            o.RequestTimeout = TimeSpan.FromSeconds(30);
            clients?.Invoke(o);
        });
        services.AddPackaging();
        services.AddOfflineMaps(configure: o =>
        {
            o.ProgressInterval = TimeSpan.Zero;
            configure?.Invoke(o);
        });
        return new OfflineEngine(services.BuildServiceProvider(validateScopes: true), logs);
    }

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}

/// <summary>One sample portal and one engine shared by the tests of a class; each test writes into its own folder.</summary>
public class SamplePortalEngineFixture : IAsyncLifetime
{
    public SamplePortalServer Server { get; private set; } = null!;

    public OfflineEngine Engine { get; private set; } = null!;

    public ServiceProbe Probe { get; private set; } = null!;

    public Uri PortalUrl => new(Server.PortalUrl);

    protected virtual void Configure(SamplePortalOptions options)
    {
    }

    public async Task InitializeAsync()
    {
        Server = await SamplePortalServer.StartAsync(o =>
        {
            o.HydrantCount = 800;
            Configure(o);
        });
        Engine = OfflineEngine.Create();
        Probe = new ServiceProbe(Server.ServicesUrl);
    }

    public virtual async Task DisposeAsync()
    {
        Probe.Dispose();
        await Engine.DisposeAsync();
        await Server.DisposeAsync();
    }

    public Task<OfflineMapTask> OpenAsync(string itemId, ArcGisCredential? credential = null) => Engine.Factory.CreateAsync(PortalUrl, itemId, credential);
}

/// <summary>Areas and scales the offline tests use: small, so that jobs stay quick.</summary>
public static class TestAreas
{
    /// <summary>A block in the middle of the sample town (about 1.6 × 2.2 km), WGS 84.</summary>
    public static EsriEnvelope Block => new(-122.72, 42.18, -122.70, 42.20) { SpatialReference = SpatialReference.Wgs84 };

    /// <summary>A smaller block (about 0.8 × 1.1 km).</summary>
    public static EsriEnvelope SmallBlock => new(-122.715, 42.185, -122.705, 42.195) { SpatialReference = SpatialReference.Wgs84 };

    /// <summary>Levels 13 to 15 of the raster scheme (1:72,224 to 1:18,056) and vector levels 0 to 14.</summary>
    public const double MinScale = 80_000;

    public const double MaxScale = 18_000;

    /// <summary>The block as a polygon in WGS 84 (a triangle-free rectangle), for tests that want a polygon.</summary>
    public static EsriPolygon BlockPolygon => new([[[-122.72, 42.18], [-122.72, 42.20], [-122.70, 42.20], [-122.70, 42.18], [-122.72, 42.18]]])
    {
        SpatialReference = SpatialReference.Wgs84,
    };
}

/// <summary>
/// Asks the sample portal (or any feature service) directly over HTTP, written apart from the engine: counts for an
/// area and filter, GlobalIDs, replica lists. This is what the packages are compared with.
/// </summary>
public sealed class ServiceProbe(string servicesUrl) : IDisposable
{
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public string FeatureServer(string service) => $"{servicesUrl}/{service}/FeatureServer";

    public async Task<JsonElement> GetAsync(string url, params (string Key, string Value)[] query)
    {
        var q = string.Join("&", query.Append(("f", "json")).Select(p => $"{Uri.EscapeDataString(p.Item1)}={Uri.EscapeDataString(p.Item2)}"));
        using var content = new FormUrlEncodedContent(query.Append(("f", "json")).Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)));
        // POST: area polygons make long query strings.
        using var response = await Http.PostAsync(url, content);
        var text = await response.Content.ReadAsStringAsync();
        var root = JsonDocument.Parse(text).RootElement.Clone();
        Assert.False(root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out _), $"{url}?{q} answered an error: {text}");
        return root;
    }

    /// <summary><c>returnCountOnly</c> with a where clause and, when given, an envelope in WGS 84.</summary>
    public async Task<long> CountAsync(string layerUrl, string where = "1=1", EsriEnvelope? area = null)
    {
        var query = new List<(string, string)> { ("where", where), ("returnCountOnly", "true") };
        if (area is not null)
        {
            query.Add(("geometry", FormattableString.Invariant($"{{\"xmin\":{area.XMin},\"ymin\":{area.YMin},\"xmax\":{area.XMax},\"ymax\":{area.YMax}}}")));
            query.Add(("geometryType", "esriGeometryEnvelope"));
            query.Add(("inSR", "4326"));
            query.Add(("spatialRel", "esriSpatialRelIntersects"));
        }
        return (await GetAsync(layerUrl + "/query", [.. query])).GetProperty("count").GetInt64();
    }

    /// <summary>The values of one field of every feature matching the filter and area, page by page.</summary>
    public async Task<List<string>> ValuesAsync(string layerUrl, string field, string where = "1=1", EsriEnvelope? area = null)
    {
        var values = new List<string>();
        for (var offset = 0; ; offset += 500)
        {
            var query = new List<(string, string)>
            {
                ("where", where), ("outFields", field), ("returnGeometry", "false"), ("resultOffset", offset.ToString(CultureInfo.InvariantCulture)),
                ("resultRecordCount", "500"), ("orderByFields", "OBJECTID"),
            };
            if (area is not null)
            {
                query.Add(("geometry", FormattableString.Invariant($"{area.XMin},{area.YMin},{area.XMax},{area.YMax}")));
                query.Add(("geometryType", "esriGeometryEnvelope"));
                query.Add(("inSR", "4326"));
            }
            var page = await GetAsync(layerUrl + "/query", [.. query]);
            foreach (var feature in page.GetProperty("features").EnumerateArray())
            {
                var attributes = feature.GetProperty("attributes");
                var value = attributes.EnumerateObject().First(p => string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase)).Value;
                values.Add(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText());
            }
            if (!(page.TryGetProperty("exceededTransferLimit", out var more) && more.GetBoolean()))
            {
                return values;
            }
        }
    }

    /// <summary>Rows of a table whose key field holds one of <paramref name="keys"/> (in chunks).</summary>
    public async Task<long> CountRelatedAsync(string tableUrl, string keyField, IReadOnlyCollection<string> keys)
    {
        long total = 0;
        foreach (var chunk in keys.Chunk(100))
        {
            total += await CountAsync(tableUrl, $"{keyField} IN ({string.Join(",", chunk.Select(k => "'" + k + "'"))})");
        }
        return total;
    }

    /// <summary>Attachments of the features matching the filter and area.</summary>
    public async Task<long> CountAttachmentsAsync(string layerUrl, string where, EsriEnvelope area)
    {
        var ids = await ValuesAsync(layerUrl, "OBJECTID", where, area);
        long total = 0;
        foreach (var chunk in ids.Chunk(100))
        {
            var groups = await GetAsync(layerUrl + "/queryAttachments", ("objectIds", string.Join(",", chunk)));
            total += groups.GetProperty("attachmentGroups").EnumerateArray().Sum(g => g.GetProperty("attachmentInfos").GetArrayLength());
        }
        return total;
    }

    /// <summary>The replica ids registered on a feature service.</summary>
    public async Task<List<string>> ReplicaIdsAsync(string service)
    {
        var list = await GetAsync(FeatureServer(service) + "/replicas");
        var items = list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : list.GetProperty("replicas").EnumerateArray();
        return items.Select(r => r.GetProperty("replicaID").GetString()!).ToList();
    }

    public void Dispose() => Http.Dispose();
}

/// <summary>Checks on a finished package folder.</summary>
public static class PackageChecks
{
    /// <summary>Every GeoPackage of the package passes GDAL's validate_gpkg with warnings as errors.</summary>
    public static void AllGeoPackagesValid(string package)
    {
        var files = Directory.EnumerateFiles(package, "*.gpkg", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            GdalTools.AssertValidGeoPackage(file);
        }
    }

    /// <summary>Feature counts per layer name as GDAL reads them.</summary>
    public static Dictionary<string, long> OgrCounts(string gpkg)
    {
        using var doc = GdalTools.OgrInfoJson(gpkg);
        return doc.RootElement.GetProperty("layers").EnumerateArray()
            .Where(l => !l.GetProperty("name").GetString()!.StartsWith("op_", StringComparison.Ordinal))
            .ToDictionary(l => l.GetProperty("name").GetString()!, l => l.GetProperty("featureCount").GetInt64(), StringComparer.OrdinalIgnoreCase);
    }

    public static long Scalar(string gpkg, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = gpkg, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public static JsonDocument MapJson(string package) => JsonDocument.Parse(File.ReadAllText(Path.Combine(package, "map.json")));

    public static JsonDocument Manifest(string package) => JsonDocument.Parse(File.ReadAllText(Path.Combine(package, "package.json")));

    /// <summary>The manifest entry of a web map layer.</summary>
    public static JsonElement ManifestLayer(JsonDocument manifest, string id) =>
        manifest.RootElement.GetProperty("layers").EnumerateArray().Single(l => l.GetProperty("id").GetString() == id);

    /// <summary>Nothing of a job is left beside the package folder: no temporary sibling.</summary>
    public static void NoTemporarySiblings(string package)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(package))!;
        var leftovers = Directory.Exists(parent)
            ? Directory.EnumerateFileSystemEntries(parent).Where(p => Path.GetFileName(p).Contains(".offline-tmp-", StringComparison.Ordinal)).ToList()
            : [];
        Assert.True(leftovers.Count == 0, "Temporary folders were left: " + string.Join(", ", leftovers));
    }
}

/// <summary>Calls back at once on the reporting thread (unlike <see cref="Progress{T}"/>, which posts).</summary>
public sealed class Callback<T>(Action<T> action) : IProgress<T>
{
    public void Report(T value) => action(value);
}

/// <summary>A folder under the test temp root whose package subfolder does not exist yet; removed on dispose.</summary>
public sealed class PackageFolder : IDisposable
{
    public PackageFolder(string purpose)
    {
        Root = TestPaths.NewTempDirectory("offline-" + purpose);
        Path = System.IO.Path.Combine(Root, "package");
    }

    public string Root { get; }

    /// <summary>Where the package goes (does not exist before the job).</summary>
    public string Path { get; }

    public string Data(string file) => System.IO.Path.Combine(Path, "data", file);

    public string Tiles(string file) => System.IO.Path.Combine(Path, "tiles", file);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TestPaths.DeleteQuietly(Root);
    }
}
