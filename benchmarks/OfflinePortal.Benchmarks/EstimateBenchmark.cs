using System.Globalization;
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
            var result = await task.GenerateOfflineMap(parameters, Path.Combine(directory, "package"), overrides).RunAsync();
            var manifest = result.Manifest!;
            var pass = true;
            Console.WriteLine(title + ":");
            foreach (var tiles in estimate.TileLayers)
            {
                var layer = manifest.Layers.Single(l => l.Id == tiles.LayerId);
                var fileBytes = manifest.Files.Single(f => f.Path == layer.File).Bytes;
                var countExact = tiles.TileCount == layer.TileCount;
                var (line, ok) = Bytes(tiles.EstimatedBytes, fileBytes);
                pass &= countExact && ok;
                Console.WriteLine(Invariant(
                    $"  tile count: estimated {tiles.TileCount:N0} vs written {layer.TileCount:N0} → {(countExact ? "exact" : "DIFFERENT")} {Verdict(countExact)}"));
                Console.WriteLine(Invariant($"  tile bytes ({layer.File}): {line} (sampled {tiles.SampledTiles} tiles)"));
            }
            if (estimate.FeatureLayers.Count > 0)
            {
                var gpkgFiles = manifest.Files.Where(f => f.Path.StartsWith("data/", StringComparison.Ordinal) && f.Path.EndsWith(".gpkg", StringComparison.Ordinal)).ToList();
                var written = gpkgFiles.Sum(f => f.Bytes);
                foreach (var features in estimate.FeatureLayers)
                {
                    var layer = manifest.Layers.Single(l => l.Id == features.LayerId);
                    Console.WriteLine(Invariant(
                        $"  features: estimated {features.FeatureCount:N0} vs written {layer.FeatureCount:N0}; attachments estimated {features.AttachmentCount:N0} ({Mib(features.AttachmentBytes)}) vs written {layer.AttachmentCount ?? 0:N0}"));
                }
                var (line, ok) = Bytes(estimate.GeoPackageBytes, written);
                pass &= ok;
                Console.WriteLine(Invariant($"  GeoPackage bytes ({string.Join(", ", gpkgFiles.Select(f => f.Path))}): {line}"));
            }
            var total = manifest.Files.Sum(f => f.Bytes);
            Console.WriteLine(Invariant($"  whole package: estimated {Mib(estimate.TotalBytes)} vs written {Mib(total)} ({(double)estimate.TotalBytes / total:0.00}×)"));
            return pass;
        }
        finally
        {
            DeleteDirectory(directory);
        }
    }

    private static (string Line, bool Pass) Bytes(long estimated, long written)
    {
        var ratio = written == 0 ? double.PositiveInfinity : (double)estimated / written;
        var pass = Math.Abs(ratio - 1) <= ByteTolerance;
        return (Invariant($"estimated {Mib(estimated)} vs written {Mib(written)} → {ratio:0.00}× (target within ±{ByteTolerance:P0}) {Verdict(pass)}"), pass);
    }
}
