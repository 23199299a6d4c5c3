using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Tests.Infrastructure;
using OfflinePortal.Web.Endpoints;
using static OfflinePortal.Tests.Integration.Portal.ScriptedRun;

namespace OfflinePortal.Tests.Integration.Portal;

/// <summary>
/// The database is the job queue: a restart with more queued jobs than <c>Jobs:QueueCapacity</c> starts and runs them
/// all, a new job beyond the capacity is refused at once with no row, and <c>Jobs:MaxConcurrentJobs</c> is honoured.
/// </summary>
public sealed class PortalJobQueueTests : IDisposable
{
    private readonly string _data = TestPaths.NewTempDirectory("queue");

    public void Dispose() => TestPaths.DeleteQuietly(_data);

    [Fact]
    public async Task ManyQueuedJobs_MoreThanQueueCapacity_StartAndAllRun_AndANewJobIsRefusedUntilThereIsRoom()
    {
        var ids = new List<Guid>();
        int areaId;
        await using (var first = new PortalAppFactory(_data, maxConcurrentJobs: 1))
        {
            using var api = await first.ApiClientAsync(PortalRoles.Supervisor);
            areaId = (await PortalTestData.CreateAreaAsync(api, "Queue area")).Id;
            for (var i = 0; i < 5; i++)
            {
                ids.Add(await CreateAsync(api, areaId));
            }
            await first.Executor.StartedAsync(ids[0]);
        } // stops with one job running and four queued

        await using var second = new PortalAppFactory(_data, maxConcurrentJobs: 1);
        second.Settings["Jobs:QueueCapacity"] = "2";
        await second.RunnerReadyAsync(); // hung for ever when recovery had to push five jobs into a queue of two
        using var supervisor = await second.ApiClientAsync(PortalRoles.Supervisor);

        // Five are waiting (the interrupted one re-queued): a sixth is refused at once, and no row is written.
        var first5 = await second.Executor.StartedAsync(ids[0]);
        var before = await CountJobsAsync(second);
        var refused = await supervisor.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(areaId));
        // The server is busy, the request is fine: 503 with Retry-After, the message under "queue" as for a form.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), refused.Headers.RetryAfter?.Delta);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("queue is full", problem.GetProperty("errors").GetProperty("queue")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(4, problem.GetProperty("waiting").GetInt32()); // the re-queued one is running again
        Assert.Equal(before, await CountJobsAsync(second));

        // Every queued job runs, oldest first, although only two fit the capacity.
        await first5.SucceedAsync(Result("0", LayerResultStatus.Offline, 1, 1));
        // Running a finished job again is refused the same way while three or four still wait.
        await PortalJobsApiTests.WaitForStateAsync(supervisor, ids[0], JobState.Succeeded); // the runner records it after the executor returns
        var retried = await supervisor.PostAsync($"/api/v1/jobs/{ids[0]}/retry", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, retried.StatusCode);
        Assert.Equal(before, await CountJobsAsync(second));
        foreach (var id in ids.Skip(1))
        {
            var run = await second.Executor.StartedAsync(id);
            await run.SucceedAsync(Result("0", LayerResultStatus.Offline, 1, 1));
        }
        foreach (var id in ids)
        {
            await PortalJobsApiTests.WaitForStateAsync(supervisor, id, JobState.Succeeded);
        }

        // With room again, a new job is taken and run.
        var next = await CreateAsync(supervisor, areaId);
        await (await second.Executor.StartedAsync(next)).SucceedAsync(Result("0", LayerResultStatus.Offline, 1, 1));
        await PortalJobsApiTests.WaitForStateAsync(supervisor, next, JobState.Succeeded);
        Assert.Equal(1, second.Executor.MostAtOnce);
    }

    [Fact]
    public async Task MaxConcurrentJobs_One_SecondJobWaitsQueuedUntilTheFirstEnds()
    {
        await using var factory = new PortalAppFactory(_data, maxConcurrentJobs: 1);
        using var api = await factory.ApiClientAsync(PortalRoles.Supervisor);
        var areaId = (await PortalTestData.CreateAreaAsync(api, "One at a time")).Id;
        var a = await CreateAsync(api, areaId);
        var runA = await factory.Executor.StartedAsync(a);
        var b = await CreateAsync(api, areaId);

        // A step of A goes through the runner; B is still waiting and nothing else runs.
        await runA.ProgressAsync(0.5, "Halfway");
        Assert.Equal(JobState.Queued, (await api.GetFromJsonAsync<JobsEndpoints.JobResponse>($"/api/v1/jobs/{b}"))!.State);
        Assert.Equal(1, factory.Executor.Active);

        await runA.SucceedAsync(Result("0", LayerResultStatus.Offline, 1, 1));
        var runB = await factory.Executor.StartedAsync(b);
        await using (var db = await factory.Db.CreateDbContextAsync())
        {
            Assert.Equal(JobState.Succeeded, (await db.Jobs.SingleAsync(j => j.Id == a)).State);
        }
        await runB.SucceedAsync(Result("0", LayerResultStatus.Offline, 1, 1));
        await PortalJobsApiTests.WaitForStateAsync(api, b, JobState.Succeeded);
        Assert.Equal(1, factory.Executor.MostAtOnce);
    }

    [Fact]
    public async Task MaxConcurrentJobs_Two_BothJobsRunAtOnce()
    {
        await using var factory = new PortalAppFactory(_data, maxConcurrentJobs: 2);
        using var api = await factory.ApiClientAsync(PortalRoles.Supervisor);
        var areaId = (await PortalTestData.CreateAreaAsync(api, "Two at a time")).Id;
        var a = await CreateAsync(api, areaId);
        var b = await CreateAsync(api, areaId);

        // Both start while neither has finished: each waits for the test's next step.
        var runA = await factory.Executor.StartedAsync(a);
        var runB = await factory.Executor.StartedAsync(b);
        Assert.Equal(2, factory.Executor.Active);

        var c = await CreateAsync(api, areaId);
        await runA.ProgressAsync(0.5, "Halfway");
        Assert.Equal(JobState.Queued, (await api.GetFromJsonAsync<JobsEndpoints.JobResponse>($"/api/v1/jobs/{c}"))!.State);

        await runA.SucceedAsync(Result("0", LayerResultStatus.Offline, 1, 1));
        await runB.SucceedAsync(Result("0", LayerResultStatus.Offline, 1, 1));
        await (await factory.Executor.StartedAsync(c)).SucceedAsync(Result("0", LayerResultStatus.Offline, 1, 1));
        foreach (var id in new[] { a, b, c })
        {
            await PortalJobsApiTests.WaitForStateAsync(api, id, JobState.Succeeded);
        }
        Assert.Equal(2, factory.Executor.MostAtOnce);
    }

    private static async Task<Guid> CreateAsync(HttpClient api, int areaId)
    {
        var response = await api.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(areaId));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JobsEndpoints.JobResponse>())!.Id;
    }

    private static async Task<int> CountJobsAsync(PortalAppFactory factory)
    {
        await using var db = await factory.Db.CreateDbContextAsync();
        return await db.Jobs.CountAsync();
    }
}
