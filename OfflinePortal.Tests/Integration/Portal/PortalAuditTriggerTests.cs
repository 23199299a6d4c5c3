using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Web.Endpoints;
using static OfflinePortal.Tests.Integration.Portal.ScriptedRun;

namespace OfflinePortal.Tests.Integration.Portal;

/// <summary>
/// Audit records are kept by SQLite triggers too, so that bulk updates and raw SQL, which bypass EF's interceptor,
/// cannot rewrite or delete a finished job, its layer results or its log.
/// </summary>
public sealed class PortalAuditTriggerTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task FinishedJob_BulkUpdatesAndRawSql_AreRefusedByTheDatabase_ExceptMarkingThePackageDeleted()
    {
        using var api = await factory.ApiClientAsync(PortalRoles.Supervisor);
        var area = await PortalTestData.CreateAreaAsync(api, "Trigger area");
        var id = (await (await api.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(area.Id))).Content.ReadFromJsonAsync<JobsEndpoints.JobResponse>())!.Id;
        var run = await factory.Executor.StartedAsync(id); // while it runs, the runner updates the row freely
        await run.ProgressAsync(0.5, "Hydrants", Layer("0", JobLayerPhase.Offline, done: 2, bytes: 16));
        await run.SucceedAsync(Result("0", LayerResultStatus.Offline, 2, 16));
        var finished = await PortalJobsApiTests.WaitForStateAsync(api, id, JobState.Succeeded);

        await using var db = await factory.Db.CreateDbContextAsync();
        await Refused(() => db.Jobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s.SetProperty(j => j.Error, "rewritten")));
        await Refused(() => db.Jobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Failed)));
        await Refused(() => db.Database.ExecuteSqlRawAsync("UPDATE \"Jobs\" SET \"CreatedByName\" = 'Nobody' WHERE \"State\" >= 2"));
        await Refused(() => db.Jobs.Where(j => j.Id == id).ExecuteDeleteAsync());
        await Refused(() => db.JobLogEntries.Where(l => l.JobId == id).ExecuteUpdateAsync(s => s.SetProperty(l => l.Message, "nothing happened")));
        await Refused(() => db.JobLogEntries.Where(l => l.JobId == id).ExecuteDeleteAsync());
        await Refused(() => db.JobLayerResults.Where(l => l.JobId == id).ExecuteUpdateAsync(s => s.SetProperty(l => l.Error, "forged")));
        await Refused(() => db.JobLayerResults.Where(l => l.JobId == id).ExecuteDeleteAsync());

        // The one change allowed: the package is marked deleted, once.
        var deleted = DateTime.UtcNow;
        Assert.Equal(1, await db.Jobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s.SetProperty(j => j.PackageDeletedUtc, deleted)));
        await Refused(() => db.Jobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s.SetProperty(j => j.PackageDeletedUtc, (DateTime?)null)));

        var stored = await db.Jobs.AsNoTracking().Include(j => j.Layers).SingleAsync(j => j.Id == id);
        Assert.Equal(JobState.Succeeded, stored.State);
        Assert.Null(stored.Error);
        Assert.Equal(finished.CreatedByName, stored.CreatedByName);
        Assert.NotNull(stored.PackageDeletedUtc);
        Assert.Single(stored.Layers);
        Assert.Null(stored.Layers.Single().Error);
        Assert.Contains(await db.JobLogEntries.Where(l => l.JobId == id).Select(l => l.Message).ToListAsync(), m => m.StartsWith("Job succeeded", StringComparison.Ordinal));
        // New log lines may still be added to a finished job (e.g. "package deleted by …").
        db.JobLogEntries.Add(new JobLogEntry { JobId = id, Sequence = 1000, TimestampUtc = DateTime.UtcNow, Level = JobLogLevel.Information, Message = "appended" });
        await db.SaveChangesAsync();
        // The triggers are not in the model: the snapshot still matches it.
        Assert.False(db.Database.HasPendingModelChanges());
    }

    private static async Task Refused(Func<Task> change)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(change);
        Assert.Contains("audit", error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
