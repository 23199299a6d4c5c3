using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Tests.Integration.Portal;
using OfflinePortal.Web.Endpoints;

namespace OfflinePortal.Tests.Integration.WebMaps;

/// <summary><c>DELETE /api/v1/jobs/{id}/package</c>: a person deletes a package; the audit record stays and says when and by whom.</summary>
public sealed class PackageDeletionApiTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Theory]
    [InlineData(PortalRoles.Supervisor)]
    [InlineData(PortalRoles.Admin)]
    public async Task DeletePackageByHand_KeepsTheRecord_AndDownloadIs404(string role)
    {
        var id = await AddFinishedJobAsync(withPackage: true);
        using var api = await factory.ApiClientAsync(role);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/v1/jobs/{id}/package")).StatusCode);

        using var response = await api.DeleteAsync($"/api/v1/jobs/{id}/package");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(Directory.Exists(factory.Paths.PackageDirectory(id)));
        using var download = await api.GetAsync($"/api/v1/jobs/{id}/package");
        Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
        Assert.Contains("deleted", await download.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var job = (await api.GetFromJsonAsync<JobsEndpoints.JobResponse>($"/api/v1/jobs/{id}"))!;
        Assert.NotNull(job.PackageDeletedUtc);
        Assert.False(job.HasPackage);
        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(1234, job.PackageBytes);
        var layer = Assert.Single(job.Layers);
        Assert.Equal(LayerResultStatus.Offline, layer.Status);
        var log = (await api.GetFromJsonAsync<List<JobsEndpoints.JobLogEntryResponse>>($"/api/v1/jobs/{id}/log"))!;
        var user = await factory.UserAsync(role);
        Assert.Contains(log, e => e.Message.StartsWith("Package deleted: deleted by hand by ", StringComparison.Ordinal)
            && (e.Message.Contains(user.DisplayName, StringComparison.Ordinal) || e.Message.Contains(user.Email, StringComparison.Ordinal)));

        using var again = await api.DeleteAsync($"/api/v1/jobs/{id}/package");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already deleted", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletePackage_AuditorGets403_AnonymousGets401_AndThePackageStays()
    {
        var id = await AddFinishedJobAsync(withPackage: true);
        using var auditor = await factory.ApiClientAsync(PortalRoles.Auditor);
        using var anonymous = factory.AnonymousClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.DeleteAsync($"/api/v1/jobs/{id}/package")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync($"/api/v1/jobs/{id}/package")).StatusCode);

        Assert.True(Directory.Exists(factory.Paths.PackageDirectory(id)));
        await using var db = await factory.Db.CreateDbContextAsync();
        Assert.Null((await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id)).PackageDeletedUtc);
    }

    [Fact]
    public async Task DeletePackage_UnknownJobIs404_RunningJobOrNoPackageIs409()
    {
        using var api = await factory.ApiClientAsync(PortalRoles.Supervisor);
        await factory.RunnerReadyAsync(); // recovery would otherwise mark the inserted running job as interrupted
        var running = await AddFinishedJobAsync(withPackage: false, state: JobState.Running);
        var noPackage = await AddFinishedJobAsync(withPackage: false, state: JobState.Failed);

        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync($"/api/v1/jobs/{Guid.NewGuid()}/package")).StatusCode);
        using var whileRunning = await api.DeleteAsync($"/api/v1/jobs/{running}/package");
        Assert.Equal(HttpStatusCode.Conflict, whileRunning.StatusCode);
        Assert.Contains("still queued or running", await whileRunning.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var without = await api.DeleteAsync($"/api/v1/jobs/{noPackage}/package");
        Assert.Equal(HttpStatusCode.Conflict, without.StatusCode);
        Assert.Contains("has no package", await without.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>A job as the runner would have left it (running jobs are inserted as such; the runner here never sees them).</summary>
    private async Task<Guid> AddFinishedJobAsync(bool withPackage, JobState state = JobState.Succeeded)
    {
        var id = Guid.NewGuid();
        if (withPackage)
        {
            var folder = factory.Paths.PackageDirectory(id);
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, "package.json"), new byte[1234]);
        }
        var finished = DateTime.UtcNow.AddHours(-1);
        await using var db = await factory.Db.CreateDbContextAsync();
        db.Jobs.Add(new Job
        {
            Id = id,
            CreatedByUserId = "u-deletion",
            CreatedByName = "Deletion Tester",
            CreatedUtc = finished.AddMinutes(-5),
            StartedUtc = finished.AddMinutes(-4),
            FinishedUtc = state.IsFinished() ? finished : null,
            WebMapId = "webmap-deletion",
            AreaName = "Deletion area",
            AreaGeoJson = PortalTestData.SquareGeoJson,
            State = state,
            PackagePath = withPackage ? PortalPaths.JobFolderName(id) : null,
            PackageBytes = withPackage ? 1234 : null,
        });
        db.JobLayerResults.Add(new JobLayerResult { JobId = id, LayerId = "0", Title = "Hydrants", Kind = "feature-layer", Status = LayerResultStatus.Offline, FeatureCount = 10 });
        await db.SaveChangesAsync();
        return id;
    }
}
