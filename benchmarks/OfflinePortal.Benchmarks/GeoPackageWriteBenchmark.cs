using System.Diagnostics;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Packaging;
using static OfflinePortal.Benchmarks.BenchSupport;

namespace OfflinePortal.Benchmarks;

/// <summary>
/// The feature GeoPackage writer alone: N generated points (or polygons) streamed in as query pages would deliver them,
/// with the insert and the finish (spatial index, GlobalID index, triggers) timed apart, and the peak working set.
/// </summary>
internal static class GeoPackageWriteBenchmark
{
    /// <summary><c>gpkg-write [count=1000000] [--track] [--no-geometry] [--polygons] [--keep]</c>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
        var track = args.Contains("--track");
        var noGeometry = args.Contains("--no-geometry"); // an attribute table: isolates the spatial index's share
        var polygons = args.Contains("--polygons");
        var path = Path.Combine(Path.GetTempPath(), $"op-bench-{Guid.NewGuid():N}.gpkg");
        var layer = new LayerInfo(0, "Points")
        {
            GeometryType = noGeometry ? EsriGeometryType.None : polygons ? EsriGeometryType.Polygon : EsriGeometryType.Point,
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

        PrintMachine($"feature GeoPackage writer: {count:N0} {(noGeometry ? "rows without geometry" : polygons ? "polygons" : "points")}{(track ? ", change tracking" : "")}");
        long peak = 0;
        using var sampler = new Timer(_ => peak = Math.Max(peak, Environment.WorkingSet), null, 0, 50);
        var total = Stopwatch.StartNew();
        await using (var writer = FeatureGeoPackageWriter.Create(path, new FeatureGeoPackageOptions { TrackChanges = track }))
        {
            var table = await writer.AddLayerAsync(layer);
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var insert = Stopwatch.StartNew();
            var written = await writer.WriteFeaturesAsync(table, Generate(count, polygons));
            insert.Stop();
            var workingSetAfterInsert = Environment.WorkingSet;
            if (track)
            {
                await writer.SetReplicaAsync(new PackageReplica { ServiceUrl = "https://h/FeatureServer", ReplicaId = "r", SyncModel = "perLayer" });
            }
            var cpu1 = Process.GetCurrentProcess().TotalProcessorTime;
            var finish = Stopwatch.StartNew();
            var summary = await writer.FinishAsync();
            finish.Stop();
            total.Stop();
            var cpu2 = Process.GetCurrentProcess().TotalProcessorTime;
            peak = Math.Max(peak, Environment.WorkingSet);
            Console.WriteLine(Invariant($"rows: {written:N0}"));
            // CPU time beside wall time: steadier on a shared machine.
            Console.WriteLine(Invariant($"insert: {insert.Elapsed.TotalSeconds:F2} s (cpu {(cpu1 - cpu0).TotalSeconds:F2} s) = {written / insert.Elapsed.TotalSeconds:N0} rows/s"));
            Console.WriteLine(Invariant($"finish (spatial index + GlobalID index{(track ? " + triggers" : "")}): {finish.Elapsed.TotalSeconds:F2} s (cpu {(cpu2 - cpu1).TotalSeconds:F2} s)"));
            Console.WriteLine(Invariant($"total: {total.Elapsed.TotalSeconds:F2} s = {written / total.Elapsed.TotalSeconds:N0} rows/s end to end"));
            Console.WriteLine(Invariant($"file: {Mib(summary.Bytes)}"));
            Console.WriteLine(Invariant($"working set after insert: {Mib(workingSetAfterInsert)}; peak: {Mib(peak)}; GC heap now: {Mib(GC.GetTotalMemory(false))}"));
        }
        if (args.Contains("--keep"))
        {
            Console.WriteLine("kept: " + path);
        }
        else
        {
            File.Delete(path);
        }
        return 0;
    }

    private static async IAsyncEnumerable<EsriFeature> Generate(int count, bool polygons)
    {
        var random = new Random(42);
        for (var i = 1; i <= count; i++)
        {
            var x = random.NextDouble() * 2e6;
            var y = random.NextDouble() * 2e6;
            EsriGeometry geometry = polygons
                ? new EsriPolygon([[[x, y], [x, y + 40], [x + 30, y + 40], [x + 30, y], [x, y]]])
                : new EsriPoint(x, y);
            yield return new EsriFeature(
                new Dictionary<string, object?>
                {
                    ["OBJECTID"] = (long)i,
                    ["GlobalID"] = "{" + Guid.NewGuid().ToString().ToUpperInvariant() + "}",
                    ["Name"] = "Point " + i,
                    ["Value"] = random.NextDouble() * 100,
                    ["Created"] = 1_700_000_000_000L + i,
                },
                geometry);
            if (i % 2000 == 0)
            {
                await Task.Yield(); // a page boundary, as a real download would have
            }
        }
    }
}
