using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Web.Endpoints;
using static OfflinePortal.Tests.Integration.Portal.ScriptedRun;

namespace OfflinePortal.Tests.Integration.Portal;

/// <summary>The jobs API end to end with an API key: create, watch, finish, log, download, cancel, run again.</summary>
public sealed class PortalJobsApiTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task JobsApi_WithApiKey_RunsJobToPackageDownload()
    {
        using var api = await factory.ApiClientAsync(PortalRoles.Supervisor);
        var area = await PortalTestData.CreateAreaAsync(api, "Harbour district", "North crew");

        var created = await api.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(area.Id, ParametersJson: """{"maxScale":1000}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var job = (await created.Content.ReadFromJsonAsync<JobsEndpoints.JobResponse>())!;
        Assert.Equal("North crew", job.CrewName);
        Assert.Equal(area.GeoJson, job.AreaGeoJson);
        Assert.Equal("webmap-1", job.WebMapId);

        var run = await factory.Executor.StartedAsync(job.Id);
        Assert.Equal("""{"maxScale":1000}""", run.Context.Job.ParametersJson);
        await run.ProgressAsync(0.5, "Hydrants", Layer("0", JobLayerPhase.Offline, done: 120, bytes: 4096), Layer("1", JobLayerPhase.Running, done: 3));

        var running = (await api.GetFromJsonAsync<JobsEndpoints.JobResponse>($"/api/v1/jobs/{job.Id}"))!;
        Assert.Equal(JobState.Running, running.State);
        Assert.Equal(0.5, running.Progress);
        Assert.Equal("Hydrants", running.CurrentStep);
        Assert.Equal(2, running.Live!.Layers.Length);

        await run.SucceedAsync(Result("0", LayerResultStatus.Offline, 120, 4096), Result("1", LayerResultStatus.OnlineOnly, error: "not sync-enabled"));
        var finished = await WaitForStateAsync(api, job.Id, JobState.Succeeded);
        Assert.True(finished.HasPackage);
        Assert.True(Directory.Exists(run.Context.PackageDirectory), "package folder missing: " + string.Join(", ", Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(run.Context.PackageDirectory)!)));
        Assert.True(finished.PackageBytes > 4096);
        Assert.Equal(2, finished.Layers.Count);
        Assert.Equal(LayerResultStatus.OnlineOnly, finished.Layers[1].Status);
        Assert.Equal("not sync-enabled", finished.Layers[1].Error);

        var log = (await api.GetFromJsonAsync<List<JobsEndpoints.JobLogEntryResponse>>($"/api/v1/jobs/{job.Id}/log"))!;
        Assert.Equal(Enumerable.Range(1, log.Count), log.Select(l => l.Sequence));
        Assert.Contains(log, l => l.Message.Contains("Job queued", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Message.Contains("Layer 'Layer 0' (feature-layer): taken offline", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Message.StartsWith("Job succeeded", StringComparison.Ordinal));

        // Any role that may see the job may download its package; the zip holds the package files.
        using var auditor = await factory.ApiClientAsync(PortalRoles.Auditor);
        using var download = await auditor.GetAsync($"/api/v1/jobs/{job.Id}/package");
        Assert.True(download.StatusCode == HttpStatusCode.OK, $"download answered {(int)download.StatusCode}: {await download.Content.ReadAsStringAsync()}");
        Assert.Equal("application/zip", download.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("offline-map-Harbour-district-", download.Content.Headers.ContentDisposition!.FileName!.Trim('"'), StringComparison.Ordinal);
        using var zip = new ZipArchive(new MemoryStream(await download.Content.ReadAsByteArrayAsync()));
        Assert.Contains(zip.Entries, e => e.FullName == "package.json");
        Assert.Equal(4096, zip.Entries.Single(e => e.FullName == "data/0.bin").Length);

        // Run again: a new job with the same options pointing back to the first.
        var retried = await api.PostAsync($"/api/v1/jobs/{job.Id}/retry", null);
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        var again = (await retried.Content.ReadFromJsonAsync<JobsEndpoints.JobResponse>())!;
        Assert.Equal(job.Id, again.RetryOfJobId);
        Assert.Equal(2, again.Attempt);
        Assert.Equal(job.ParametersJson, again.ParametersJson);
        Assert.Equal(job.AreaGeoJson, again.AreaGeoJson);
        var secondRun = await factory.Executor.StartedAsync(again.Id);
        await secondRun.FailAsync("The feature service refused the query.");
        var failed = await WaitForStateAsync(api, again.Id, JobState.Failed);
        Assert.Equal("The feature service refused the query.", failed.Error);
        Assert.False(failed.HasPackage);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/jobs/{again.Id}/package")).StatusCode);
    }

    [Fact]
    public async Task CancelRunningJob_StopsItAndRemovesPartialPackage()
    {
        using var api = await factory.ApiClientAsync(PortalRoles.Supervisor);
        var area = await PortalTestData.CreateAreaAsync(api, "Cancel me");
        var job = (await (await api.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(area.Id))).Content.ReadFromJsonAsync<JobsEndpoints.JobResponse>())!;
        var run = await factory.Executor.StartedAsync(job.Id);
        await run.ProgressAsync(0.2, "Downloading", Layer("0", JobLayerPhase.Offline, done: 1, bytes: 10));
        Assert.True(Directory.Exists(run.Context.TemporaryDirectory));

        using var cancel = await api.PostAsync($"/api/v1/jobs/{job.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.IsAssignableFrom<OperationCanceledException>(await run.Ended.WaitAsync(TimeSpan.FromSeconds(30)));
        var cancelled = await WaitForStateAsync(api, job.Id, JobState.Cancelled);
        Assert.False(cancelled.HasPackage);
        Assert.False(Directory.Exists(run.Context.TemporaryDirectory));
        Assert.False(Directory.Exists(run.Context.PackageDirectory));

        using var again = await api.PostAsync($"/api/v1/jobs/{job.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task CreateJob_BadInput_Returns400WithFieldErrors()
    {
        using var api = await factory.ApiClientAsync(PortalRoles.Supervisor);
        using var missingArea = await api.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(987654));
        Assert.Equal(HttpStatusCode.BadRequest, missingArea.StatusCode);
        Assert.Contains("does not exist", await missingArea.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var area = await PortalTestData.CreateAreaAsync(api, "Bad parameters");
        using var badJson = await api.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(area.Id, ParametersJson: "{not json"));
        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);
        Assert.Contains("ParametersJson", await badJson.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = await factory.Db.CreateDbContextAsync();
        Assert.False(await db.Jobs.AnyAsync(j => j.AreaId == area.Id));
    }

    [Fact]
    public async Task ListJobs_FiltersAndPagesOnTheServer()
    {
        using var api = await factory.ApiClientAsync(PortalRoles.Supervisor);
        var area = await PortalTestData.CreateAreaAsync(api, "Paging area " + Guid.NewGuid().ToString("N")[..6]);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var job = (await (await api.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(area.Id))).Content.ReadFromJsonAsync<JobsEndpoints.JobResponse>())!;
            ids.Add(job.Id);
            await (await factory.Executor.StartedAsync(job.Id)).FailAsync("boom " + i);
            await WaitForStateAsync(api, job.Id, JobState.Failed);
        }
        var page = (await api.GetFromJsonAsync<JobPage>($"/api/v1/jobs?text={Uri.EscapeDataString(area.Name)}&state=Failed&pageSize=2&page=0&sort=Created&desc=false"))!;
        Assert.Equal(3, page.Total);
        Assert.Equal(ids.Take(2), page.Items.Select(i => i.Id));
        var second = (await api.GetFromJsonAsync<JobPage>($"/api/v1/jobs?text={Uri.EscapeDataString(area.Name)}&state=Failed&pageSize=2&page=1&sort=Created&desc=false"))!;
        Assert.Equal([ids[2]], second.Items.Select(i => i.Id));
        using var badState = await api.GetAsync("/api/v1/jobs?state=Exploded");
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheJobsApi()
    {
        using var api = await factory.ApiClientAsync(PortalRoles.Auditor);
        var document = await api.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/v1/jobs/{id}/package", document, StringComparison.Ordinal);
        Assert.Contains("CreateJob", document, StringComparison.Ordinal);
    }

    internal static async Task<JobsEndpoints.JobResponse> WaitForStateAsync(HttpClient api, Guid id, JobState state)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var job = (await api.GetFromJsonAsync<JobsEndpoints.JobResponse>($"/api/v1/jobs/{id}", cts.Token))!;
            if (job.State == state && job.FinishedUtc is not null || job.State == state && !state.IsFinished())
            {
                return job;
            }
            Assert.False(job.State.IsFinished() && job.State != state, $"job ended {job.State}: {job.Error}");
            await Task.Delay(50, cts.Token);
        }
    }
}
