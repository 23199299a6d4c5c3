using System.Diagnostics;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Packaging;

// Streams N generated points (as a feature query page stream would deliver them) into a feature GeoPackage and
// reports rows/second for the insert, the index/finish step, and the peak working set.
var count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
var track = args.Contains("--track");
var noGeometry = args.Contains("--no-geometry"); // attribute table: isolates the R-tree's share
var path = Path.Combine(Path.GetTempPath(), $"op-bench-{Guid.NewGuid():N}.gpkg");
var layer = new LayerInfo(0, "Points")
{
    GeometryType = noGeometry ? EsriGeometryType.None : EsriGeometryType.Point,
    IsTable = noGeometry,
    GlobalIdField = "GlobalID",
    SpatialReference = SpatialReference.WebMercator,
    Fields =
    [
        new EsriField("OBJECTID", EsriFieldType.OID),
        new EsriField("GlobalID", EsriFieldType.GlobalID),
        new EsriField("Name", EsriFieldType.String) { Length = 50 },
        new EsriField("Value", EsriFieldType.Double),
        new EsriField("Created", EsriFieldType.Date),
    ],
};

static async IAsyncEnumerable<EsriFeature> Generate(int count)
{
    var random = new Random(42);
    for (var i = 1; i <= count; i++)
    {
        yield return new EsriFeature(
            new Dictionary<string, object?>
            {
                ["OBJECTID"] = (long)i,
                ["GlobalID"] = "{" + Guid.NewGuid().ToString().ToUpperInvariant() + "}",
                ["Name"] = "Point " + i,
                ["Value"] = random.NextDouble() * 100,
                ["Created"] = 1_700_000_000_000L + i,
            },
            new EsriPoint(random.NextDouble() * 2e6, random.NextDouble() * 2e6));
        if (i % 2000 == 0)
        {
            await Task.Yield(); // a page boundary, as a real download would have
        }
    }
}

long peak = 0;
using var sampler = new Timer(_ => peak = Math.Max(peak, Environment.WorkingSet), null, 0, 50);
var total = Stopwatch.StartNew();
await using (var writer = FeatureGeoPackageWriter.Create(path, new FeatureGeoPackageOptions { TrackChanges = track }))
{
    var table = await writer.AddLayerAsync(layer);
    var insert = Stopwatch.StartNew();
    var written = await writer.WriteFeaturesAsync(table, Generate(count));
    insert.Stop();
    var workingSetAfterInsert = Environment.WorkingSet;
    if (track)
    {
        await writer.SetReplicaAsync(new PackageReplica { ServiceUrl = "https://h/FeatureServer", ReplicaId = "r", SyncModel = "perLayer" });
    }
    var finish = Stopwatch.StartNew();
    var summary = await writer.FinishAsync();
    finish.Stop();
    total.Stop();
    peak = Math.Max(peak, Environment.WorkingSet);
    Console.WriteLine($"rows: {written:N0}");
    Console.WriteLine($"insert: {insert.Elapsed.TotalSeconds:F2} s = {written / insert.Elapsed.TotalSeconds:N0} rows/s");
    Console.WriteLine($"finish (R-tree fill + indexes{(track ? " + triggers" : "")}): {finish.Elapsed.TotalSeconds:F2} s");
    Console.WriteLine($"total: {total.Elapsed.TotalSeconds:F2} s = {written / total.Elapsed.TotalSeconds:N0} rows/s end to end");
    Console.WriteLine($"file: {summary.Bytes / 1048576.0:F1} MiB");
    Console.WriteLine($"working set after insert: {workingSetAfterInsert / 1048576.0:F0} MiB; peak: {peak / 1048576.0:F0} MiB; GC heap now: {GC.GetTotalMemory(false) / 1048576.0:F0} MiB");
    Console.WriteLine($"gen0/1/2 collections: {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
}
File.Delete(path);
