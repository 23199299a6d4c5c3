using System.Security.Cryptography;
using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Offline;
using OfflinePortal.Core.Packaging;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Tests.Components.Portal;
using JobPage = OfflinePortal.Web.Components.Pages.Jobs.JobPage;

namespace OfflinePortal.Tests.Components.Pages;

/// <summary>The job page: live progress turns into the stored outcome without a reload; results, files, options, map; deleting the package.</summary>
public sealed class JobPageTests : PortalComponentContext
{
    private const string AreaGeoJson = """{"type":"Polygon","coordinates":[[[5.10,52.00],[5.20,52.00],[5.20,52.10],[5.10,52.10],[5.10,52.00]]]}""";

    [Fact]
    public async Task JobPage_LiveSnapshotFinishes_ShowsTheStoredResultsFilesOptionsAndMap()
    {
        SignIn(PortalRoles.Supervisor);
        var id = await AddJobAsync(JobState.Running);
        var monitor = Get<JobMonitor>();
        monitor.Publish(id, _ => Snapshot(id, JobState.Running) with
        {
            Fraction = 0.5,
            CurrentStep = "Hydrants",
            Layers =
            [
                new JobLayerProgress("0", "Hydrants", "feature-layer", JobLayerPhase.Running, 0.5, 1200, 2400, 65536),
                new JobLayerProgress("1", "Pipes", "feature-layer", JobLayerPhase.Offline, 1, 300, 300, 1024),
            ],
        });
        var cut = Render<JobPage>(p => p.Add(c => c.Id, id));

        cut.WaitForAssertion(() =>
        {
            var step = cut.Find(".job-progress .job-step").TextContent;
            Assert.Contains("50% · Hydrants", step, StringComparison.Ordinal);
            Assert.Contains("1,500 / 2,700 rows · 65.0 KB", cut.Find(".job-progress .job-totals").TextContent, StringComparison.Ordinal);
        });
        Assert.Empty(cut.FindAll("#job-results"));
        Assert.Empty(cut.FindAll("#job-download"));

        // The runner finishes: package folder with its manifest, layer results and the outcome in the database, then the snapshot.
        var folder = Get<PortalPaths>().PackageDirectory(id);
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        var gpkg = Enumerable.Range(0, 5000).Select(i => (byte)(i % 251)).ToArray();
        await File.WriteAllBytesAsync(Path.Combine(folder, "data", "hydrants.gpkg"), gpkg);
        await new PackageManifestWriter().WriteAsync(folder, new PackageManifest
        {
            Item = new PackageItemInfo { Title = "Water network" },
            Source = new PackageSource { PortalUrl = "http://localhost/sample", WebMapId = "wm" },
            CreatedUtc = DateTimeOffset.UtcNow,
        });
        await using (var db = await DbAsync())
        {
            var job = await db.Jobs.SingleAsync(j => j.Id == id);
            job.State = JobState.SucceededWithErrors;
            job.FinishedUtc = DateTime.UtcNow;
            job.PackagePath = PortalPaths.JobFolderName(id);
            job.PackageBytes = 6000;
            db.JobLayerResults.AddRange(
                new JobLayerResult { JobId = id, LayerId = "0", Title = "Hydrants", Kind = "feature-layer", Status = LayerResultStatus.Offline, FeatureCount = 2400, Bytes = 70000 },
                new JobLayerResult { JobId = id, LayerId = "2", Title = "Imagery", Kind = "tiled", Status = LayerResultStatus.OnlineOnly, Error = "The service cannot export tiles." },
                new JobLayerResult { JobId = id, LayerId = "3", Title = "Valves", Kind = "feature-layer", Status = LayerResultStatus.Failed, Error = "The server answered 500." });
            await db.SaveChangesAsync();
        }
        monitor.Publish(id, s => s! with { State = JobState.SucceededWithErrors, Fraction = 1, FinishedUtc = DateTime.UtcNow, PackageBytes = 6000 });

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("#job-results")));
        Assert.Empty(cut.FindAll(".job-progress"));
        var rows = cut.FindAll("#job-results tbody tr").Select(r => r.TextContent).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Contains(rows, r => r.Contains("Hydrants", StringComparison.Ordinal) && r.Contains("offline", StringComparison.Ordinal) && r.Contains("2,400", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("Imagery", StringComparison.Ordinal) && r.Contains("stays online", StringComparison.Ordinal) && r.Contains("cannot export tiles", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("Valves", StringComparison.Ordinal) && r.Contains("failed", StringComparison.Ordinal) && r.Contains("answered 500", StringComparison.Ordinal));

        var file = Assert.Single(cut.FindAll("#job-files tbody tr"));
        Assert.Contains("data/hydrants.gpkg", file.TextContent, StringComparison.Ordinal);
        Assert.Contains("4.9 KB", file.TextContent, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(gpkg)), file.TextContent, StringComparison.Ordinal);

        var options = cut.Find("#job-options").TextContent;
        Assert.Contains("Scale range", options, StringComparison.Ordinal);
        Assert.Contains("1:72,224 (town)", options, StringComparison.Ordinal);
        Assert.NotNull(cut.Find("#job-area-map"));
        Assert.Contains("Download package", cut.Find("#job-download").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(cut.FindAll("#job-retry"));
    }

    [Fact]
    public async Task JobPage_DeletePackage_AsksFirst_ThenSaysWhenAndByWhom_AndKeepsTheRecord()
    {
        SignIn(PortalRoles.Supervisor, "Dana Supervisor");
        var id = await AddJobAsync(JobState.Succeeded, withPackage: true);
        var folder = Get<PortalPaths>().PackageDirectory(id);
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<JobPage>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#job-download")));

        cut.Find("#job-delete-package").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("can no longer be downloaded", dialogs.Find("#confirm-text").TextContent, StringComparison.Ordinal));
        dialogs.Find("#confirm-no").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("#confirm-yes")));
        Assert.True(Directory.Exists(folder), "keeping it deletes nothing");
        Assert.NotNull(cut.Find("#job-download"));

        cut.Find("#job-delete-package").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("#confirm-yes").Click());

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#job-download")));
        Assert.Empty(cut.FindAll("#job-delete-package"));
        var package = cut.Find("#job-package").TextContent;
        Assert.Contains("deleted", package, StringComparison.Ordinal);
        Assert.Contains("by hand by Dana Supervisor", package, StringComparison.Ordinal);
        Assert.Contains("1.2 KB", package, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
        await using var db = await DbAsync();
        var record = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id);
        Assert.NotNull(record.PackageDeletedUtc);
        Assert.Equal(JobState.Succeeded, record.State);
        Assert.Equal(1234, record.PackageBytes);
    }

    [Fact]
    public async Task JobPage_Auditor_SeesNoDeleteOrRunAgain()
    {
        SignIn(PortalRoles.Auditor);
        var id = await AddJobAsync(JobState.Succeeded, withPackage: true);
        var cut = Render<JobPage>(p => p.Add(c => c.Id, id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#job-download")));
        Assert.Empty(cut.FindAll("#job-delete-package"));
        Assert.Empty(cut.FindAll("#job-retry"));
        Assert.Empty(cut.FindAll("#job-cancel"));
    }

    private JobSnapshot Snapshot(Guid id, JobState state) => new()
    {
        JobId = id, State = state, CreatedByUserId = UserId, CreatedByName = "Sam Tester", WebMapId = "wm", AreaName = "Harbour", CreatedUtc = DateTime.UtcNow,
    };

    private async Task<Guid> AddJobAsync(JobState state, bool withPackage = false)
    {
        var id = Guid.NewGuid();
        if (withPackage)
        {
            var folder = Get<PortalPaths>().PackageDirectory(id);
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, "package.json"), new byte[1234]);
        }
        var area = new EsriEnvelope(5.10, 52.00, 5.20, 52.10) { SpatialReference = SpatialReference.Wgs84 };
        await using var db = await DbAsync();
        db.Jobs.Add(new Job
        {
            Id = id,
            CreatedByUserId = UserId,
            CreatedByName = "Sam Tester",
            CreatedUtc = DateTime.UtcNow.AddMinutes(-5),
            StartedUtc = DateTime.UtcNow.AddMinutes(-4),
            FinishedUtc = state.IsFinished() ? DateTime.UtcNow : null,
            WebMapId = "wm",
            WebMapTitle = "Water network",
            AreaName = "Harbour",
            AreaGeoJson = AreaGeoJson,
            ParametersJson = OfflineJson.Serialize(new GenerateOfflineMapParameters { AreaOfInterest = area, MinScale = 72_224, MaxScale = 18_056 }),
            State = state,
            PackagePath = withPackage ? PortalPaths.JobFolderName(id) : null,
            PackageBytes = withPackage ? 1234 : null,
        });
        await db.SaveChangesAsync();
        return id;
    }
}
