using Bunit;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Web.Components.Pages.Jobs;

namespace OfflinePortal.Tests.Components.Portal;

/// <summary>The jobs page follows a real <see cref="JobMonitor"/>: every published snapshot shows up without reload.</summary>
public sealed class JobsPageLiveTests : PortalComponentContext
{
    [Fact]
    public void JobsPage_MonitorPublishes_ShowsQueueProgressLayersLogAndFinish()
    {
        SignIn(PortalRoles.Supervisor);
        var monitor = Get<JobMonitor>();
        var id = Guid.NewGuid();
        var cut = Render<JobsPage>();
        Assert.Contains("No job is queued or running", cut.Find("#active-jobs").TextContent, StringComparison.Ordinal);

        monitor.Publish(id, _ => new JobSnapshot
        {
            JobId = id, State = JobState.Queued, CreatedByUserId = UserId, CreatedByName = "Sam Tester", WebMapId = "wm", WebMapTitle = "Water network",
            AreaName = "Harbour", CrewName = "North", CreatedUtc = DateTime.UtcNow,
        });
        cut.WaitForAssertion(() =>
        {
            var card = cut.Find($"#active-jobs [data-job-id='{id}']");
            Assert.Contains("Queued", card.TextContent, StringComparison.Ordinal);
            Assert.Contains("Waiting for a free runner", card.TextContent, StringComparison.Ordinal);
            Assert.NotEmpty(card.QuerySelectorAll(".job-cancel"));
        });

        monitor.Publish(id, s => s! with
        {
            State = JobState.Running,
            Fraction = 0.4,
            CurrentStep = "Hydrants",
            Layers = [new JobLayerProgress("0", "Hydrants", "feature-layer", JobLayerPhase.Running, 0.5, 1200, 2400, 65536)],
        });
        monitor.AppendLog(id, new JobLogLine(2, DateTime.UtcNow, JobLogLevel.Information, "Querying hydrants"));
        cut.WaitForAssertion(() =>
        {
            var card = cut.Find($"#active-jobs [data-job-id='{id}']");
            Assert.Contains("40% · Hydrants", card.QuerySelector(".job-step")!.TextContent, StringComparison.Ordinal);
            var row = card.QuerySelector(".job-layer[data-layer-id='0']")!;
            Assert.Contains("1,200 / 2,400", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("64.0 KB", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("Querying hydrants", card.QuerySelector(".job-log")!.TextContent, StringComparison.Ordinal);
        });

        monitor.Publish(id, s => s! with { State = JobState.Succeeded, Fraction = 1, FinishedUtc = DateTime.UtcNow, PackageBytes = 1_000_000 });
        cut.WaitForAssertion(() =>
        {
            Assert.Empty(cut.FindAll($"#active-jobs [data-job-id='{id}']"));
            var card = cut.Find($"#finished-jobs [data-job-id='{id}']");
            Assert.Contains("Succeeded", card.TextContent, StringComparison.Ordinal);
            Assert.NotEmpty(card.QuerySelectorAll(".job-retry"));
        });
    }

    [Fact]
    public void JobsPage_Auditor_SeesNoCancelOrRetry()
    {
        SignIn(PortalRoles.Auditor);
        var monitor = Get<JobMonitor>();
        var id = Guid.NewGuid();
        monitor.Publish(id, _ => new JobSnapshot
        {
            JobId = id, State = JobState.Running, CreatedByUserId = "someone", CreatedByName = "Other", WebMapId = "wm", AreaName = "Dunes", CreatedUtc = DateTime.UtcNow,
        });
        var cut = Render<JobsPage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find($"[data-job-id='{id}']")));
        Assert.Empty(cut.FindAll(".job-cancel"));
        Assert.Empty(cut.FindAll(".job-retry"));
    }
}
