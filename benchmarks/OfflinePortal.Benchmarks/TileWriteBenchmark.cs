using System.Diagnostics;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Packaging;
using static OfflinePortal.Benchmarks.BenchSupport;

namespace OfflinePortal.Benchmarks;

/// <summary>
/// The tile GeoPackage writer alone, fed from memory by concurrent producers as the tile download feeds it, beside the
/// floor of the same bytes appended to one plain file: how much of the tile stage is the writer's own work.
/// </summary>
internal static class TileWriteBenchmark
{
    /// <summary><c>tile-write [tiles=1176] [bytes=109568] [rounds=5]</c>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1176;
        var size = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 109_568;
        var rounds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5;
        PrintMachine(Invariant($"tile GeoPackage writer: {count:N0} tiles of {size:N0} bytes from memory"));
        var tile = new byte[size];
        Random.Shared.NextBytes(tile);
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(tile, 0);
        var side = (int)Math.Ceiling(Math.Sqrt(count));
        var tileInfo = new TileInfo(256, 256, -20037508.342787, 20037508.342787, [new Lod(17, 1.194328566955879, 4513.988705)]);
        var bounds = new EsriEnvelope(-20037508.342787, 20037508.342787 - side * 256 * 1.194328566955879,
            -20037508.342787 + side * 256 * 1.194328566955879, 20037508.342787);
        var bytes = (double)count * size;
        var rows = new List<IReadOnlyList<string>>();
        for (var round = 0; round < rounds; round++)
        {
            var directory = NewWorkDirectory("tile-write");
            try
            {
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                TimeSpan created, written;
                await using (var writer = TileGeoPackageWriter.Create(Path.Combine(directory, "tiles.gpkg"),
                                 new TileGeoPackageOptions { Title = "Tiles", TileInfo = tileInfo, Levels = [17], Bounds = bounds }))
                {
                    created = clock.Elapsed;
                    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 },
                        async (i, ct) => await writer.WriteTileAsync(17, i / side, i % side, tile, ct));
                    written = clock.Elapsed;
                    await writer.FinishAsync();
                }
                var gpkg = (Elapsed: clock.Elapsed, Cpu: Process.GetCurrentProcess().TotalProcessorTime - cpu0);

                cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                clock.Restart();
                await using (var file = new FileStream(Path.Combine(directory, "tiles.bin"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    for (var i = 0; i < count; i++)
                    {
                        await file.WriteAsync(tile);
                    }
                }
                var flat = (Elapsed: clock.Elapsed, Cpu: Process.GetCurrentProcess().TotalProcessorTime - cpu0);
                rows.Add([Invariant($"{round + 1}"), Invariant($"{gpkg.Elapsed.TotalSeconds:0.000} s"),
                    Invariant($"{created.TotalSeconds:0.000} / {(written - created).TotalSeconds:0.000} / {(gpkg.Elapsed - written).TotalSeconds:0.000} s"), Invariant($"{bytes / gpkg.Elapsed.TotalSeconds / 1048576:N0} MiB/s"),
                    Invariant($"{gpkg.Cpu.TotalSeconds:0.000} s"), Invariant($"{flat.Elapsed.TotalSeconds:0.000} s"), Invariant($"{flat.Cpu.TotalSeconds:0.000} s")]);
            }
            finally
            {
                DeleteDirectory(directory);
            }
        }
        PrintTable(["round", "GeoPackage", "create / queue / finish", "throughput", "CPU", "plain file", "CPU"], rows);
        return 0;
    }
}
