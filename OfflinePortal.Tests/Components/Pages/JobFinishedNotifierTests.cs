using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Tests.Components.Portal;
using OfflinePortal.Web;
using OfflinePortal.Web.Components.Layout;

namespace OfflinePortal.Tests.Components.Pages;

/// <summary>The "your job finished" snackbar: only your own jobs, only those seen running, with the outcome's severity, never on the job's own page.</summary>
public sealed class JobFinishedNotifierTests : PortalComponentContext
{
    [Fact]
    public async Task Notifier_OwnRunningJobsFinish_OneSnackbarEach_WithTheOutcomesSeverity()
    {
        SignIn(PortalRoles.Supervisor);
        var monitor = Get<JobMonitor>();
        var failed = Publish(monitor, UserId, "Harbour", JobState.Running);
        var succeeded = Publish(monitor, UserId, "Dunes", JobState.Running);
        var othersJob = Publish(monitor, "someone-else", "Polder", JobState.Running);
        var finishedEarlier = Publish(monitor, UserId, "Old town", JobState.Succeeded);
        var snackbars = Render<MudSnackbarProvider>();
        Render<JobFinishedNotifier>();
        await WatchingAsync(monitor);

        Publish(monitor, "someone-else", "Polder", JobState.Succeeded, othersJob);
        Publish(monitor, UserId, "Harbour", JobState.Failed, failed);
        Publish(monitor, UserId, "Dunes", JobState.Succeeded, succeeded);

        snackbars.WaitForAssertion(() => Assert.Equal(2, snackbars.FindAll(".mud-snackbar").Count));
        var harbour = Assert.Single(snackbars.FindAll(".mud-snackbar"), s => s.TextContent.Contains("'Harbour' failed", StringComparison.Ordinal));
        Assert.Contains("error", harbour.ClassName, StringComparison.Ordinal);
        var dunes = Assert.Single(snackbars.FindAll(".mud-snackbar"), s => s.TextContent.Contains("'Dunes' finished", StringComparison.Ordinal));
        Assert.Contains("success", dunes.ClassName, StringComparison.Ordinal);
        Assert.DoesNotContain("Polder", snackbars.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("Old town", snackbars.Markup, StringComparison.Ordinal);
        Assert.NotEqual(Guid.Empty, finishedEarlier);
    }

    [Fact]
    public async Task Notifier_OnThatJobsOwnPage_ShowsNothingForIt()
    {
        SignIn(PortalRoles.Supervisor);
        var monitor = Get<JobMonitor>();
        var open = Publish(monitor, UserId, "Harbour", JobState.Running);
        var elsewhere = Publish(monitor, UserId, "Dunes", JobState.Running);
        Services.GetRequiredService<NavigationManager>().NavigateTo($"jobs/{open.ToString().ToUpperInvariant()}?tab=log");
        var snackbars = Render<MudSnackbarProvider>();
        Render<JobFinishedNotifier>();
        await WatchingAsync(monitor);

        Publish(monitor, UserId, "Harbour", JobState.Succeeded, open);
        Publish(monitor, UserId, "Dunes", JobState.Succeeded, elsewhere);

        // Dunes arrives after Harbour, so once its snackbar shows, Harbour's was already decided.
        snackbars.WaitForAssertion(() => Assert.Contains("'Dunes' finished", snackbars.Find(".mud-snackbar").TextContent, StringComparison.Ordinal));
        Assert.Single(snackbars.FindAll(".mud-snackbar"));
        Assert.DoesNotContain("Harbour", snackbars.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Snackbars_AreAtTheBottom_AwayFromTheJobPagesDownloadButton()
    {
        var configuration = new MudServicesConfiguration();
        WebServiceCollectionExtensions.ConfigureMud(configuration);
        Assert.StartsWith("mud-snackbar-location-bottom", configuration.SnackbarConfiguration.PositionClass, StringComparison.Ordinal);
    }

    /// <summary>The notifier subscribes after its first render, off the test's thread; nothing re-renders to wait on.</summary>
    private static async Task WatchingAsync(JobMonitor monitor)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (monitor.WatcherCount == 0)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private static Guid Publish(JobMonitor monitor, string userId, string area, JobState state, Guid? id = null)
    {
        var jobId = id ?? Guid.NewGuid();
        monitor.Publish(jobId, s => (s ?? new JobSnapshot
        {
            JobId = jobId, State = state, CreatedByUserId = userId, CreatedByName = "Someone", WebMapId = "wm", AreaName = area, CreatedUtc = DateTime.UtcNow,
        }) with { State = state, Fraction = state.IsFinished() ? 1 : 0.3 });
        return jobId;
    }
}
