using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>
/// Runs exportTiles and estimateExportTilesSize as asynchronous jobs (at most two at a time), keeps them for
/// <see cref="SampleTileOptions.JobRetentionMinutes"/> after they finish, then deletes them and their files.
/// Exports are written as a zipped exploded cache; tile packages (.tpk/.tpkx) are refused with a clear message.
/// </summary>
internal sealed partial class TileJobService(
    SampleTileRenderer renderer,
    IOptions<SampleTileOptions> options,
    IOptions<SamplePortalOptions> portalOptions,
    IHostEnvironment environment,
    TimeProvider timeProvider,
    ILogger<TileJobService> logger) : BackgroundService
{
    private const int ParallelJobs = 2;
    private const int SizeSamplesPerLevel = 4;

    private readonly Channel<TileJob> _queue = Channel.CreateUnbounded<TileJob>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TileJob> _jobs = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _slots = new(ParallelJobs, ParallelJobs);

    /// <summary>Folder holding the files of finished export jobs, one sub-folder per job.</summary>
    public string OutputRoot => Path.Combine(
        Path.GetFullPath(portalOptions.Value.DataDirectory, environment.ContentRootPath), "tile-exports");

    public TileJob Submit(TiledService service, TileJobKind kind, ExportTilesRequest request)
    {
        SweepExpired();
        var job = new TileJob("j" + Guid.NewGuid().ToString("N"), service, kind, request, timeProvider.GetUtcNow());
        _jobs[job.Id] = job;
        if (!_queue.Writer.TryWrite(job))
        {
            job.Fail("The sample portal is shutting down; the job was not started.", timeProvider.GetUtcNow());
        }
        return job;
    }

    public TileJob? Find(TiledService service, string jobId) =>
        _jobs.TryGetValue(jobId, out var job) && job.Service == service ? job : null;

    /// <summary>The path of a file of a finished export job, or null when there is no such job or file.</summary>
    public string? FilePath(TiledService service, string jobId, string fileName)
    {
        var job = Find(service, jobId)?.Snapshot();
        if (job is null || !job.Files.Any(f => f.Name.Equals(fileName, StringComparison.Ordinal)))
        {
            return null;
        }
        var path = Path.Combine(OutputRoot, job.Id, fileName);
        return File.Exists(path) ? path : null;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var job in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await _slots.WaitAsync(stoppingToken);
                _running[job.Id] = RunAsync(job, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _queue.Writer.TryComplete();
            await Task.WhenAll(_running.Values);
        }
    }

    private async Task RunAsync(TileJob job, CancellationToken stoppingToken)
    {
        // Leave the reader loop at once: the job runs on the thread pool, not on the loop's thread.
        await Task.Yield();
        try
        {
            await ExecuteJobAsync(job, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            job.Fail("The sample portal stopped before the job finished.", timeProvider.GetUtcNow(), cancelled: true);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Whatever broke (disk, SQLite, rendering), the job must end Failed with the reason, never stay Executing.
            LogJobFailed(logger, ex, job.Id);
            job.Fail($"The job failed: {ex.Message}", timeProvider.GetUtcNow());
        }
        finally
        {
            _running.TryRemove(job.Id, out _);
            _slots.Release();
        }
    }

    private async Task ExecuteJobAsync(TileJob job, CancellationToken cancellationToken)
    {
        var service = job.Service;
        var request = job.Request;
        var max = options.Value.MaxExportTilesCount;
        job.Start(string.Create(CultureInfo.InvariantCulture, $"Start Time: {timeProvider.GetUtcNow():u}"));
        if (job.Kind == TileJobKind.ExportTiles && !service.ExportTilesAllowed)
        {
            job.Fail($"ERROR 001553: Export tiles is not allowed for service {service.Name}:{service.Type}.", timeProvider.GetUtcNow());
            return;
        }

        var counts = new List<(int Level, long Count)>();
        long total = 0;
        foreach (var level in request.Levels)
        {
            var count = TileCounter.Count(service.Scheme, request.Area, level, max - total);
            total += count;
            if (total > max)
            {
                // A polygon count stops at the first block past the limit, so its total is then a lower bound.
                var requested = request.Area.Prepared is null ? total.ToString(CultureInfo.InvariantCulture) : $"at least {total.ToString(CultureInfo.InvariantCulture)}";
                job.Fail(
                    string.Create(CultureInfo.InvariantCulture, $"ERROR 001564: Requested tile count({requested}) exceeds the maximum allowed number of tiles({max}) to be exported for service {service.Name}:{service.Type}."),
                    timeProvider.GetUtcNow());
                return;
            }
            counts.Add((level, count));
            job.Inform(string.Create(CultureInfo.InvariantCulture, $"Level {level}: {count} tiles."));
        }

        if (job.Kind == TileJobKind.EstimateExportTilesSize)
        {
            long size = 0;
            foreach (var (level, count) in counts)
            {
                size += await EstimateLevelSizeAsync(service, request.Area, level, count, cancellationToken);
            }
            job.Succeed(total, size, [], string.Create(CultureInfo.InvariantCulture, $"Estimated {total} tiles, {size} bytes."), timeProvider.GetUtcNow());
            return;
        }

        if (request.TilePackage)
        {
            job.Fail(
                $"The sample portal does not write tile packages ({(request.StorageFormat.Contains("V2", StringComparison.OrdinalIgnoreCase) ? ".tpkx" : ".tpk")}). " +
                "Export with tilePackage=false for a zipped exploded cache, or fetch tiles from tile/{level}/{row}/{col}.",
                timeProvider.GetUtcNow());
            return;
        }

        var folder = Path.Combine(OutputRoot, job.Id);
        Directory.CreateDirectory(folder);
        var fileName = $"{service.Name}_{job.Id}.zip";
        var path = Path.Combine(folder, fileName);
        long written = 0;
        await using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create))
        {
            await WriteEntryAsync(zip, "conf.json", JsonSerializer.SerializeToUtf8Bytes(
                service.Kind == TileKind.Vector ? ServiceJson.VectorTileServer(service, max) : ServiceJson.TiledMapServer(service, max)), cancellationToken);
            foreach (var (level, _) in counts)
            {
                foreach (var tile in TileCounter.Enumerate(service.Scheme, request.Area, level))
                {
                    var blob = await renderer.RenderAsync(service.Kind, tile, cancellationToken);
                    await WriteEntryAsync(zip, EntryName(service, tile), blob.Bytes, cancellationToken);
                    written++;
                }
                job.Inform(string.Create(CultureInfo.InvariantCulture, $"Exported level {level} ({written} of {total} tiles)."));
            }
        }
        var file = new TileJobFile(fileName, new FileInfo(path).Length);
        job.Succeed(total, file.Size, [file], string.Create(CultureInfo.InvariantCulture, $"Succeeded: {written} tiles in {fileName}."), timeProvider.GetUtcNow());
    }

    /// <summary>Tiles of a level times the mean size of a few of them (first, last and evenly between).</summary>
    private async Task<long> EstimateLevelSizeAsync(TiledService service, ExportArea area, int level, long count, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return 0;
        }
        var picks = Enumerable.Range(0, SizeSamplesPerLevel)
            .Select(i => count == 1 ? 0 : (long)Math.Round(i * (count - 1) / (double)(SizeSamplesPerLevel - 1)))
            .ToHashSet();
        long sampled = 0, bytes = 0, index = 0;
        foreach (var tile in TileCounter.Enumerate(service.Scheme, area, level))
        {
            if (picks.Contains(index++))
            {
                var blob = await renderer.GetTileAsync(service.Kind, tile, cancellationToken);
                bytes += blob.Gzipped?.Length ?? blob.Bytes.Length;
                sampled++;
                if (sampled == picks.Count)
                {
                    break;
                }
            }
        }
        return (long)Math.Round(bytes / (double)sampled * count);
    }

    /// <summary>ArcGIS's exploded cache layout for raster tiles; z/y/x for vector tiles.</summary>
    private static string EntryName(TiledService service, TileAddress tile) => service.Kind == TileKind.Vector
        ? string.Create(CultureInfo.InvariantCulture, $"tile/{tile.Level}/{tile.Row}/{tile.Col}.pbf")
        : string.Create(CultureInfo.InvariantCulture, $"_alllayers/L{tile.Level:00}/R{tile.Row:x8}/C{tile.Col:x8}.png");

    private static async Task WriteEntryAsync(ZipArchive zip, string name, byte[] bytes, CancellationToken cancellationToken)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
        await using var entryStream = await entry.OpenAsync(cancellationToken);
        await entryStream.WriteAsync(bytes, cancellationToken);
    }

    private void SweepExpired()
    {
        var cutoff = timeProvider.GetUtcNow() - TimeSpan.FromMinutes(options.Value.JobRetentionMinutes);
        foreach (var job in _jobs.Values)
        {
            if (job.Snapshot().Finished is { } finished && finished < cutoff && _jobs.TryRemove(job.Id, out _))
            {
                try
                {
                    var folder = Path.Combine(OutputRoot, job.Id);
                    if (Directory.Exists(folder))
                    {
                        Directory.Delete(folder, recursive: true);
                    }
                }
                catch (IOException ex)
                {
                    LogCleanupFailed(logger, ex, job.Id);
                }
            }
        }
    }

    public override void Dispose()
    {
        _slots.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Tile job {JobId} failed")]
    private static partial void LogJobFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the files of expired tile job {JobId}")]
    private static partial void LogCleanupFailed(ILogger logger, Exception exception, string jobId);
}
