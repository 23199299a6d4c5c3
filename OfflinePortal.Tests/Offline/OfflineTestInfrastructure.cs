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

    /// <param name="configure">Engine options.</param>
    /// <param name="clients">ArcGIS client options (quick retries and polls are set first).</param>
    /// <param name="services">Further registrations, e.g. an HTTP handler that records what the engine sends.</param>
    public static OfflineEngine Create(Action<OfflineMapOptions>? configure = null, Action<ArcGisClientOptions>? clients = null, Action<IServiceCollection>? services = null)
    {
        var logs = new CapturingLoggerProvider();
        var collection = new ServiceCollection();
        collection.AddLogging(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(logs));
        collection.AddArcGisClients(configure: o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            o.RetryMaxDelay = TimeSpan.FromMilliseconds(100);
            o.JobPollInterval = TimeSpan.FromMilliseconds(25);
            o.RequestTimeout = TimeSpan.FromSeconds(30);
            clients?.Invoke(o);
        });
        collection.AddPackaging();
        collection.AddOfflineMaps(configure: o =>
        {
            o.ProgressInterval = TimeSpan.Zero;
            configure?.Invoke(o);
        });
        services?.Invoke(collection);
        return new OfflineEngine(collection.BuildServiceProvider(validateScopes: true), logs);
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

    /// <summary>The block in Web Mercator (wkid 102100), corner for corner.</summary>
    public static EsriEnvelope BlockWebMercator
    {
        get
        {
            var (x0, y0) = Core.Geometry.WebMercator.FromLonLat(Block.XMin, Block.YMin);
            var (x1, y1) = Core.Geometry.WebMercator.FromLonLat(Block.XMax, Block.YMax);
            return new EsriEnvelope(x0, y0, x1, y1) { SpatialReference = SpatialReference.WebMercator };
        }
    }

    /// <summary>
    /// The south-west half of the block, cut along its diagonal (WGS 84): a polygon whose envelope is the whole block,
    /// so an engine that queried with the envelope instead of the polygon would bring about twice the features.
    /// </summary>
    public static EsriPolygon Triangle => new([[[-122.72, 42.18], [-122.72, 42.20], [-122.70, 42.18], [-122.72, 42.18]]])
    {
        SpatialReference = SpatialReference.Wgs84,
    };

    /// <summary>
    /// The block without its north-east quarter (WGS 84): a concave polygon whose envelope is the block and whose convex
    /// hull still takes half of the missing quarter, so neither stands in for it unnoticed.
    /// </summary>
    public static EsriPolygon LShape => new([[[-122.72, 42.18], [-122.72, 42.20], [-122.71, 42.20], [-122.71, 42.19], [-122.70, 42.19], [-122.70, 42.18], [-122.72, 42.18]]])
    {
        SpatialReference = SpatialReference.Wgs84,
    };

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

    /// <summary>
    /// <c>returnCountOnly</c> with a where clause and, when given, an area: an envelope or a polygon, in WGS 84 unless it
    /// says otherwise (e.g. Web Mercator), queried with <c>spatialRel=esriSpatialRelIntersects</c>.
    /// </summary>
    public async Task<long> CountAsync(string layerUrl, string where = "1=1", EsriGeometry? area = null)
    {
        var query = new List<(string, string)> { ("where", where), ("returnCountOnly", "true") };
        query.AddRange(AreaQuery(area));
        return (await GetAsync(layerUrl + "/query", [.. query])).GetProperty("count").GetInt64();
    }

    /// <summary>The query parameters of an area, written here apart from the engine's own geometry JSON.</summary>
    private static IEnumerable<(string, string)> AreaQuery(EsriGeometry? area)
    {
        if (area is null)
        {
            yield break;
        }
        var wkid = area.SpatialReference?.Wkid ?? 4326;
        switch (area)
        {
            case EsriEnvelope e:
                yield return ("geometry", FormattableString.Invariant($"{{\"xmin\":{e.XMin},\"ymin\":{e.YMin},\"xmax\":{e.XMax},\"ymax\":{e.YMax}}}"));
                yield return ("geometryType", "esriGeometryEnvelope");
                break;
            case EsriPolygon p:
                var rings = string.Join(",", p.Rings.Select(r => "[" + string.Join(",", r.Select(c => FormattableString.Invariant($"[{c[0]},{c[1]}]"))) + "]"));
                yield return ("geometry", "{\"rings\":[" + rings + "]}");
                yield return ("geometryType", "esriGeometryPolygon");
                break;
            default:
                throw new ArgumentException($"The probe queries envelopes and polygons, not {area.Type}.", nameof(area));
        }
        yield return ("inSR", wkid.ToString(CultureInfo.InvariantCulture));
        yield return ("spatialRel", "esriSpatialRelIntersects");
    }

    /// <summary>The values of one field of every feature matching the filter and area, page by page.</summary>
    public async Task<List<string>> ValuesAsync(string layerUrl, string field, string where = "1=1", EsriGeometry? area = null)
    {
        var values = new List<string>();
        for (var offset = 0; ; offset += 500)
        {
            var query = new List<(string, string)>
            {
                ("where", where), ("outFields", field), ("returnGeometry", "false"), ("resultOffset", offset.ToString(CultureInfo.InvariantCulture)),
                ("resultRecordCount", "500"), ("orderByFields", "OBJECTID"),
            };
            query.AddRange(AreaQuery(area));
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

    /// <summary>
    /// Rows of a related table that belong to the origin features matching <paramref name="originWhere"/> in the area,
    /// following the service's own relationships (origin primary key to destination foreign key): what a package holds
    /// with <c>destinationTableRowFilter</c> "related only".
    /// </summary>
    public async Task<long> CountRelatedRowsAsync(string service, int tableId, string originWhere, EsriGeometry? area)
    {
        var root = await GetAsync(FeatureServer(service));
        var relationships = root.GetProperty("relationships").EnumerateArray()
            .Where(r => r.GetProperty("destinationLayerId").GetInt32() == tableId)
            .ToList();
        Assert.True(relationships.Count > 0, $"{service} has no relationship into {tableId}");
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        string? foreignKey = null;
        foreach (var relationship in relationships)
        {
            var origin = $"{FeatureServer(service)}/{relationship.GetProperty("originLayerId").GetInt32()}";
            keys.UnionWith(await ValuesAsync(origin, relationship.GetProperty("originPrimaryKey").GetString()!, originWhere, area));
            foreignKey = relationship.GetProperty("originForeignKey").GetString()!;
        }
        Assert.Single(relationships.Select(r => r.GetProperty("originForeignKey").GetString()).Distinct());
        return await CountRelatedAsync($"{FeatureServer(service)}/{tableId}", foreignKey!, keys);
    }

    /// <summary>Attachments of the features matching the filter and area.</summary>
    public async Task<long> CountAttachmentsAsync(string layerUrl, string where, EsriGeometry area)
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
    /// <summary>Every GeoPackage of the package passes GDAL's validate_gpkg with warnings as errors (and there is one).</summary>
    public static void AllGeoPackagesValid(string package)
    {
        Assert.NotEmpty(Directory.EnumerateFiles(package, "*.gpkg", SearchOption.AllDirectories));
        PackageFilesValid(package);
    }

    /// <summary>
    /// Every GeoPackage of the package passes validate_gpkg with warnings as errors, and every MBTiles file opens in
    /// GDAL's MBTiles driver with layers or bands; a package without such files passes. Run after every job that
    /// returns a result (<see cref="OfflineJobs"/>), so each test's packages are checked whatever else it asserts;
    /// each distinct file once per test.
    /// </summary>
    public static void PackageFilesValid(string package)
    {
        var files = Directory.EnumerateFiles(package, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".gpkg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".mbtiles", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        // A file the same test already had checked (the run helper, then the test's own explicit check) is not checked
        // again while unchanged: the record lives beside the package, in the test's own folder, never inside it.
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(package));
        var record = Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + ".validated");
        var checkedBefore = File.Exists(record) ? File.ReadAllLines(record).ToHashSet(StringComparer.Ordinal) : [];
        var todo = files.Where(f => !checkedBefore.Contains(Signature(f))).ToList();
        if (todo.Count == 0)
        {
            return;
        }
        SqliteConnection.ClearAllPools();
        // One python for all files: validate_gpkg's own check (what `-m osgeo_utils.samples.validate_gpkg -v
        // --warning-as-error` runs), without paying the interpreter's start for each file.
        var result = GdalTools.Run(GdalTools.Python, ["-c", FileCheck, .. todo]);
        Assert.True(result.ExitCode == 0, $"GDAL rejected files of {package} (exit {result.ExitCode}):\n{result.Output}");
        File.AppendAllLines(record, todo.Select(Signature));

        static string Signature(string file)
        {
            var info = new FileInfo(file);
            return string.Create(CultureInfo.InvariantCulture, $"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}");
        }
    }

    private const string FileCheck = """
        import contextlib, io, sys
        from osgeo import gdal
        from osgeo_utils.samples import validate_gpkg
        problems = []
        for path in sys.argv[1:]:
            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                    if path.lower().endswith(".gpkg"):
                        validate_gpkg.check(path, log_msg=True, warning_as_error=True)
                    else:
                        ds = gdal.OpenEx(path, gdal.OF_RASTER | gdal.OF_VECTOR)
                        if ds is None:
                            raise Exception("GDAL cannot open it: " + gdal.GetLastErrorMsg())
                        if ds.GetDriver().ShortName != "MBTiles":
                            raise Exception("GDAL opens it with " + ds.GetDriver().ShortName + ", not MBTiles")
                        if ds.RasterCount == 0 and ds.GetLayerCount() == 0:
                            raise Exception("GDAL sees neither raster bands nor vector layers in it")
                        ds = None
            except Exception as e:
                problems.append(path + ": " + str(e) + "\n" + out.getvalue())
        if problems:
            print("\n".join(problems))
            sys.exit(1)
        """;

    /// <summary>
    /// The feature layers and tables of a GeoPackage as GDAL counts them (attachment and relationship tables, named
    /// <c>X__…</c>, left out) are exactly the expected ones with the expected counts: a layer the test forgot, or one
    /// the package lacks, fails it.
    /// </summary>
    public static void LayerCountsEqual(string gpkg, IReadOnlyDictionary<string, long> expected)
    {
        var actual = OgrCounts(gpkg).Where(c => !c.Key.Contains("__", StringComparison.Ordinal)).ToDictionary(c => c.Key, c => c.Value, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(expected.Keys.Order(StringComparer.OrdinalIgnoreCase), actual.Keys.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        foreach (var (layer, count) in expected)
        {
            Assert.True(count == actual[layer], $"{Path.GetFileName(gpkg)}: layer {layer} has {actual[layer]} rows, the service counts {count}.");
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

/// <summary>Runs jobs the way every engine test should: whenever a job returns a package, its files are checked by GDAL.</summary>
public static class OfflineJobs
{
    /// <summary>Runs the job; when it returns, every GeoPackage and MBTiles file of its package is validated (<see cref="PackageChecks.PackageFilesValid"/>).</summary>
    public static async Task<GenerateOfflineMapResult> RunCheckedAsync(this GenerateOfflineMapJob job, IProgress<GenerateOfflineMapProgress>? progress = null,
        IProgress<JobMessage>? messages = null, CancellationToken cancellationToken = default)
    {
        var result = await job.RunAsync(progress, messages, cancellationToken);
        return Checked(result);
    }

    /// <summary>Validates the package of a result (from a job or the job runner) and hands the result back.</summary>
    public static GenerateOfflineMapResult Checked(GenerateOfflineMapResult result)
    {
        if (Directory.Exists(result.PackageDirectory))
        {
            PackageChecks.PackageFilesValid(result.PackageDirectory);
        }
        return result;
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
