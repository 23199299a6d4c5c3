using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Offline;
using static OfflinePortal.Benchmarks.BenchSupport;

namespace OfflinePortal.Benchmarks;

/// <summary>
/// The issue's estimate benchmark: <c>OfflineMapTask.EstimateAsync</c> against the package the same parameters then
/// write, for a tiles job, a features job and a features job with attachments. Tile counts must be exact, bytes within
/// 25% of the files written.
/// </summary>
internal static class EstimateBenchmark
{
    private const double ByteTolerance = 0.25;

    /// <summary>A block in the middle of the town (about 1.6 × 2.2 km) and a small one inside it (about 400 × 550 m), WGS 84.</summary>
    private static readonly EsriEnvelope Block = new(-122.72, 42.18, -122.70, 42.20) { SpatialReference = SpatialReference.Wgs84 };
    private static readonly EsriEnvelope SmallBlock = new(-122.7125, 42.1875, -122.7075, 42.1925) { SpatialReference = SpatialReference.Wgs84 };

    /// <summary><c>estimate [hydrants=1000000] [folder]</c>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var hydrants = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var folder = args.Length > 1 ? args[1] : SamplePortalHost.DefaultDataDirectory(hydrants);
        PrintMachine("estimate vs the package written");
        await using var portal = await SamplePortalHost.StartAsync(hydrants, folder);
        Console.WriteLine(Invariant($"sample portal: {portal.BaseUrl} (pid {portal.ProcessId}); load average now {LoadAverage()}"));
        return await RunAgainstAsync(portal) ? 0 : 1;
    }

    public static async Task<bool> RunAgainstAsync(SamplePortalHost portal)
    {
        await using var services = OfflineEngineSetup.CreateEngine();
        var task = await services.GetRequiredService<OfflineMapTaskFactory>().CreateAsync(portal.PortalUrl, OfflineEngineSetup.WebMapId);
        var town = (await OfflineEngineSetup.HydrantsLayerAsync(portal.ServicesUrl)).Extent;
        var pass = true;

        var (tileParameters, tileOverrides) = await OfflineEngineSetup.BasemapOnlyAsync(task, town, OfflineEngineSetup.TileLevels);
        pass &= await CompareAsync(task, "tiles (basemap, levels 12–17, whole town)", tileParameters, tileOverrides);

        var (featureParameters, featureOverrides) = await OfflineEngineSetup.FeatureLayerOnlyAsync(task, Block, 0, attachments: false);
        pass &= await CompareAsync(task, "features (hydrants in a 1.6 × 2.2 km block, no attachments)", featureParameters, featureOverrides);

        var (attachmentParameters, attachmentOverrides) = await OfflineEngineSetup.FeatureLayerOnlyAsync(task, SmallBlock, 0, attachments: true);
        pass &= await CompareAsync(task, "features with attachments (hydrants and their photos in a 400 × 550 m block)", attachmentParameters, attachmentOverrides);
        return pass;
    }

    private static async Task<bool> CompareAsync(OfflineMapTask task, string title, GenerateOfflineMapParameters parameters, GenerateOfflineMapParameterOverrides overrides)
    {
        var estimate = await task.EstimateAsync(parameters, overrides);
        var directory = NewWorkDirectory("estimate");
        try
        {
            var packageDirectory = Path.Combine(directory, "package");
            var result = await task.GenerateOfflineMap(parameters, packageDirectory, overrides).RunAsync();
            var manifest = result.Manifest!;
            var pass = true;
            var notes = new List<string>();
            var rows = new List<IReadOnlyList<string>>();
            foreach (var tiles in estimate.TileLayers)
            {
                var layer = manifest.Layers.Single(l => l.Id == tiles.LayerId);
                var fileBytes = manifest.Files.Single(f => f.Path == layer.File).Bytes;
                // What the tile table holds, level by level, read with SQLite (not from the writer's own summary).
                var written = TilesByLevel(Path.Combine(packageDirectory, layer.File!));
                foreach (var level in tiles.Levels)
                {
                    var (count, bytes) = written.GetValueOrDefault(level.Level);
                    var exact = count == level.TileCount;
                    pass &= exact;
                    // Per level the estimate is the tiles' own bytes (no page overhead): compared with the tile blobs.
                    rows.Add([Invariant($"  level {level.Level} (tile blobs)"), Invariant($"{level.TileCount:N0}"), Invariant($"{count:N0}"), exact ? "exact" : "DIFFERENT",
                        Mib(level.EstimatedBytes), Mib(bytes), Ratio(level.EstimatedBytes, bytes), Verdict(exact)]);
                }
                var extra = written.Keys.Except(tiles.Levels.Select(l => l.Level)).ToList();
                var countExact = tiles.TileCount == layer.TileCount && extra.Count == 0;
                var ok = Within(tiles.EstimatedBytes, fileBytes);
                pass &= countExact && ok;
                rows.Add([tiles.LayerId + " (file)", Invariant($"{tiles.TileCount:N0}"), Invariant($"{layer.TileCount:N0}"), countExact ? "exact" : "DIFFERENT",
                    Mib(tiles.EstimatedBytes), Mib(fileBytes), Ratio(tiles.EstimatedBytes, fileBytes), Verdict(countExact && ok)]);
                notes.Add(Invariant($"{layer.File}: sizes from {tiles.SampledTiles} sampled tiles")
                    + (extra.Count > 0 ? Invariant($"; levels written but not estimated: {string.Join(", ", extra)}") : ""));
            }
            if (estimate.FeatureLayers.Count > 0)
            {
                var gpkgFiles = manifest.Files.Where(f => f.Path.StartsWith("data/", StringComparison.Ordinal) && f.Path.EndsWith(".gpkg", StringComparison.Ordinal)).ToList();
                var written = gpkgFiles.Sum(f => f.Bytes);
                foreach (var features in estimate.FeatureLayers)
                {
                    var layer = manifest.Layers.Single(l => l.Id == features.LayerId);
                    var rowsExact = features.FeatureCount == layer.FeatureCount;
                    pass &= rowsExact || features.IsApproximate;
                    rows.Add([features.LayerId + " (rows)", Invariant($"{features.FeatureCount:N0}"), Invariant($"{layer.FeatureCount ?? 0:N0}"), rowsExact ? "exact" : "DIFFERENT",
                        Mib(features.EstimatedBytes), "", "", Verdict(rowsExact || features.IsApproximate)]);
                    if (features.AttachmentCount > 0 || layer.AttachmentCount > 0)
                    {
                        // Attachments are projected from a sample of rows: shown, not a target.
                        rows.Add(["  attachments (sampled)", Invariant($"{features.AttachmentCount:N0}"), Invariant($"{layer.AttachmentCount ?? 0:N0}"),
                            Ratio(features.AttachmentCount, layer.AttachmentCount ?? 0), Mib(features.AttachmentBytes), "", "", ""]);
                    }
                }
                var ok = Within(estimate.GeoPackageBytes, written);
                pass &= ok;
                rows.Add(["GeoPackage (file)", "", "", "", Mib(estimate.GeoPackageBytes), Mib(written), Ratio(estimate.GeoPackageBytes, written), Verdict(ok)]);
                notes.Add(string.Join(", ", gpkgFiles.Select(f => f.Path)));
            }
            var total = manifest.Files.Sum(f => f.Bytes);
            rows.Add(["whole package", "", "", "", Mib(estimate.TotalBytes), Mib(total), Ratio(estimate.TotalBytes, total), ""]);
            Console.WriteLine(title + ":");
            PrintTable(["layer / level", "est. count", "written", "count", "est. bytes", "written", "ratio", "verdict"], rows);
            foreach (var note in notes)
            {
                Console.WriteLine("  " + note);
            }
            Console.WriteLine(Invariant($"  → {Verdict(pass)} (tile counts exact per level, file bytes within ±{ByteTolerance:P0})"));
            return pass;
        }
        finally
        {
            DeleteDirectory(directory);
        }
    }

    /// <summary>Tiles and their bytes per zoom level in every tile table of a tile GeoPackage.</summary>
    private static Dictionary<int, (long Count, long Bytes)> TilesByLevel(string gpkg)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = gpkg, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        var tables = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT table_name FROM gpkg_contents WHERE data_type = 'tiles'";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }
        var levels = new Dictionary<int, (long Count, long Bytes)>();
        foreach (var table in tables)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT zoom_level, count(*), sum(length(tile_data)) FROM \"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\" GROUP BY zoom_level";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var (count, bytes) = levels.GetValueOrDefault(reader.GetInt32(0));
                levels[reader.GetInt32(0)] = (count + reader.GetInt64(1), bytes + reader.GetInt64(2));
            }
        }
        return levels;
    }

    private static bool Within(long estimated, long written) => written > 0 && Math.Abs(((double)estimated / written) - 1) <= ByteTolerance;

    private static string Ratio(long estimated, long written) =>
        written == 0 ? "n/a" : Invariant($"{(double)estimated / written:0.00}×");
}
