using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Benchmarks;

/// <summary>
/// The audit over N past jobs in a SQLite file: server-side time of the first page, filtered pages and the CSV export of
/// everything, and the export's memory. Usage: <c>audit [jobs=100000] [folder] [thumbnailKiB=0]</c>: with a thumbnail size,
/// every job's options carry an item thumbnail of that size (base64 in the options JSON), as jobs started from a web map
/// with a thumbnail do.
/// </summary>
public static class AuditBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var jobCount = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var folder = args.Length > 1 && args[1].Length > 0 ? args[1] : Path.Combine(Path.GetTempPath(), "offlineportal-audit-bench");
        var thumbnailKiB = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 0;
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        Directory.CreateDirectory(folder);

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Portal:DataDirectory"] = folder }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPortalPersistence(configuration, folder);
        services.AddPortalJobs(configuration);
        await using var provider = services.BuildServiceProvider();
        var dbFactory = provider.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
        }

        var seed = Stopwatch.StartNew();
        await SeedAsync(provider.GetRequiredService<PortalPaths>().ConnectionString, jobCount, thumbnailKiB);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Seeded {jobCount:N0} jobs in {seed.Elapsed.TotalSeconds:0.0} s ({new FileInfo(Path.Combine(folder, "portal.db")).Length / 1024.0 / 1024.0:0.0} MB)"));

        var jobs = provider.GetRequiredService<JobService>();
        await jobs.QueryAsync(new JobQuery(), CancellationToken.None); // warm-up: connection pool, model, query compilation

        await MeasureAsync("First page (25, newest first)", () => jobs.QueryAsync(new JobQuery(), CancellationToken.None));
        await MeasureAsync("Filtered page (state=Failed, crew, text)", () => jobs.QueryAsync(new JobQuery
        {
            States = [JobState.Failed],
            CrewId = 3,
            Text = "harbour",
            PageSize = 25,
        }, CancellationToken.None));
        await MeasureAsync("Filtered page (user, last 30 days)", () => jobs.QueryAsync(new JobQuery
        {
            UserId = "user-7",
            FromUtc = DateTime.UtcNow.AddDays(-30),
        }, CancellationToken.None));
        await MeasureAsync("Page 200 sorted by area", () => jobs.QueryAsync(new JobQuery { SortBy = JobSortColumn.Area, Descending = false, Page = 200 }, CancellationToken.None));
        await MeasureAsync("Page 200 sorted by web map", () => jobs.QueryAsync(new JobQuery { SortBy = JobSortColumn.WebMap, Descending = true, Page = 200 }, CancellationToken.None));
        await MeasureAsync("Page sorted by package size", () => jobs.QueryAsync(new JobQuery { SortBy = JobSortColumn.PackageSize }, CancellationToken.None));

        // The export: bytes go to a counting sink, memory is sampled while it runs.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var workingSetBefore = process.WorkingSet64;
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long peakHeap = heapBefore;
        long peakWorkingSet = workingSetBefore;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                process.Refresh();
                peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64);
                try
                {
                    await Task.Delay(5, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
        var sink = new CountingStream();
        var export = Stopwatch.StartNew();
        await jobs.ExportCsvAsync(new JobQuery(), sink, CancellationToken.None);
        export.Stop();
        await sampling.CancelAsync();
        await sampler;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CSV export of all {jobCount:N0} jobs: {export.Elapsed.TotalMilliseconds:N0} ms, {sink.Length / 1024.0 / 1024.0:0.0} MB written"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  managed heap: {heapBefore / 1024.0 / 1024.0:0.0} MB before, peak {peakHeap / 1024.0 / 1024.0:0.0} MB (+{(peakHeap - heapBefore) / 1024.0 / 1024.0:0.0} MB); " +
            $"working set {workingSetBefore / 1024.0 / 1024.0:0.0} MB before, peak {peakWorkingSet / 1024.0 / 1024.0:0.0} MB; " +
            $"allocated {allocated / 1024.0 / 1024.0:0.0} MB in total ({allocated / (double)jobCount:0} bytes per row, all short-lived)"));

        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        return 0;
    }

    private static async Task MeasureAsync(string name, Func<Task<JobPage>> query)
    {
        var times = new List<double>();
        JobPage? page = null;
        for (var i = 0; i < 7; i++)
        {
            var watch = Stopwatch.StartNew();
            page = await query();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: median {times[3]:0.0} ms, min {times[0]:0.0} ms, max {times[^1]:0.0} ms ({page!.Items.Count} rows of {page.Total:N0})"));
    }

    private static async Task SeedAsync(string connectionString, int count, int thumbnailKiB)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO Jobs (Id, CreatedByUserId, CreatedByName, CreatedUtc, StartedUtc, FinishedUtc, WebMapId, WebMapTitle, AreaId, AreaName,
                AreaGeoJson, CrewId, CrewName, ParametersJson, State, Progress, PackagePath, PackageBytes, Error, Attempt, RestartCount, DurationSeconds)
            VALUES ($id, $user, $userName, $created, $started, $finished, $webMap, $webMapTitle, $areaId, $area, $geo, $crew, $crewName, $parameters,
                $state, 1, $path, $bytes, $error, 1, 0, $duration)
            """;
        string[] names = ["id", "user", "userName", "created", "started", "finished", "webMap", "webMapTitle", "areaId", "area", "geo", "crew", "crewName", "parameters", "state", "path", "bytes", "error", "duration"];
        var parameters = names.ToDictionary(n => n, n => command.Parameters.Add(new SqliteParameter("$" + n, null)));
        string[] areas = ["Harbour", "Old town", "Dunes", "Industrial park", "North fields", "Airport", "Canal ring", "Hospital"];
        var random = new Random(42);
        var start = DateTime.UtcNow.AddDays(-720);
        var thumbnail = new byte[thumbnailKiB * 1024];
        random.NextBytes(thumbnail);
        var options = thumbnailKiB == 0 ? "{}"
            : """{"minScale":72224,"maxScale":4514,"includeBasemap":true,"itemInfo":{"title":"Package","thumbnail":""" + "\"" + Convert.ToBase64String(thumbnail) + "\"}}";
        const string geo = """{"type":"Polygon","coordinates":[[[5.1,52.0],[5.2,52.0],[5.2,52.1],[5.1,52.1],[5.1,52.0]]]}""";
        for (var i = 0; i < count; i++)
        {
            var created = start.AddMinutes(i * (720.0 * 24 * 60 / count));
            var duration = 30 + random.Next(3600);
            var state = random.Next(100) switch { < 80 => 2, < 88 => 3, < 96 => 4, _ => 5 };
            var id = Guid.CreateVersion7(new DateTimeOffset(created));
            parameters["id"].Value = id.ToString().ToUpperInvariant();
            parameters["user"].Value = "user-" + random.Next(40);
            parameters["userName"].Value = "User " + random.Next(40);
            parameters["created"].Value = created.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
            parameters["started"].Value = created.AddSeconds(5).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
            parameters["finished"].Value = created.AddSeconds(5 + duration).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
            parameters["webMap"].Value = "webmap-" + random.Next(25);
            parameters["webMapTitle"].Value = "Web map " + random.Next(25);
            parameters["areaId"].Value = random.Next(500);
            parameters["area"].Value = areas[random.Next(areas.Length)] + " " + random.Next(60);
            parameters["geo"].Value = geo;
            parameters["parameters"].Value = options;
            parameters["crew"].Value = random.Next(12);
            parameters["crewName"].Value = "Crew " + random.Next(12);
            parameters["state"].Value = state;
            parameters["path"].Value = state is 2 or 3 ? id.ToString() : DBNull.Value;
            parameters["bytes"].Value = state is 2 or 3 ? random.NextInt64(1_000_000, 4_000_000_000) : DBNull.Value;
            parameters["error"].Value = state is 3 or 4 ? "Layer 'Hydrants' failed: the service answered 500" : DBNull.Value;
            parameters["duration"].Value = (double)duration;
            await command.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }
}

/// <summary>Counts bytes and throws them away, so the export measures the query and the CSV writer only.</summary>
internal sealed class CountingStream : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => Position;

    public override long Position { get; set; }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Position += count;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Position += buffer.Length;
        return ValueTask.CompletedTask;
    }
}
