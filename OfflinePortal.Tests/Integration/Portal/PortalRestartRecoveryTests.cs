using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Tests.Infrastructure;
using OfflinePortal.Web.Endpoints;
using static OfflinePortal.Tests.Integration.Portal.ScriptedRun;

namespace OfflinePortal.Tests.Integration.Portal;

/// <summary>A job running when the portal stops is re-run from a clean state at the next start, and says so.</summary>
public sealed class PortalRestartRecoveryTests : IDisposable
{
    private readonly string _data = TestPaths.NewTempDirectory("restart");

    public void Dispose() => TestPaths.DeleteQuietly(_data);

    [Fact]
    public async Task RunningJob_HostStops_NextStartReRunsItFromTheStart()
    {
        Guid jobId;
        string partial;
        await using (var first = new PortalAppFactory(_data))
        {
            using var api = await first.ApiClientAsync(PortalRoles.Supervisor);
            var area = await PortalTestData.CreateAreaAsync(api, "Restart area");
            jobId = (await (await api.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(area.Id))).Content.ReadFromJsonAsync<JobsEndpoints.JobResponse>())!.Id;
            var run = await first.Executor.StartedAsync(jobId);
            await run.ProgressAsync(0.4, "Hydrants", Layer("0", JobLayerPhase.Offline, done: 3, bytes: 64));
            partial = Path.Combine(run.Context.TemporaryDirectory, "data", "0.bin");
            Assert.True(File.Exists(partial));
        } // the host stops mid-job

        await using (var db = await OpenAsync())
        {
            Assert.Equal(JobState.Running, (await db.Jobs.SingleAsync(j => j.Id == jobId)).State);
        }

        await using var second = new PortalAppFactory(_data);
        await second.RunnerReadyAsync();
        var rerun = await second.Executor.StartedAsync(jobId);
        Assert.False(File.Exists(partial), "the partial package of the interrupted run must be removed");
        await rerun.SucceedAsync(Result("0", LayerResultStatus.Offline, 3, 64));
        using var api2 = await second.ApiClientAsync(PortalRoles.Supervisor);
        var job = await PortalJobsApiTests.WaitForStateAsync(api2, jobId, JobState.Succeeded);
        Assert.True(job.HasPackage);

        var log = (await api2.GetFromJsonAsync<List<JobsEndpoints.JobLogEntryResponse>>($"/api/v1/jobs/{jobId}/log"))!;
        Assert.Contains(log, l => l.Message == JobRunner.RestartRequeuedMessage);
        Assert.Equal(2, log.Count(l => l.Message.StartsWith("Job started", StringComparison.Ordinal)));
        Assert.Equal(Enumerable.Range(1, log.Count), log.Select(l => l.Sequence));
        await using var check = await OpenAsync();
        Assert.Equal(1, (await check.Jobs.SingleAsync(j => j.Id == jobId)).RestartCount);
    }

    [Fact]
    public async Task RunningJob_RestartedTooOften_Fails()
    {
        Guid jobId;
        await using (var first = new PortalAppFactory(_data))
        {
            using var api = await first.ApiClientAsync(PortalRoles.Supervisor);
            var area = await PortalTestData.CreateAreaAsync(api, "Crashy area");
            jobId = (await (await api.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(area.Id))).Content.ReadFromJsonAsync<JobsEndpoints.JobResponse>())!.Id;
            await first.Executor.StartedAsync(jobId);
        }
        await using (var db = await OpenAsync())
        {
            // As if the portal had already re-run it after three restarts.
            await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.RestartCount, 3));
        }

        await using var second = new PortalAppFactory(_data);
        await second.RunnerReadyAsync();
        using var api2 = await second.ApiClientAsync(PortalRoles.Auditor);
        var job = await PortalJobsApiTests.WaitForStateAsync(api2, jobId, JobState.Failed);
        Assert.Contains("restarted", job.Error, StringComparison.Ordinal);
        Assert.Contains("not run again", job.Error, StringComparison.Ordinal);
    }

    private async Task<PortalDbContext> OpenAsync()
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>().UseSqlite($"Data Source={Path.Combine(_data, "portal", "portal.db")}").Options;
        var db = new PortalDbContext(options);
        await db.Database.OpenConnectionAsync();
        return db;
    }
}
