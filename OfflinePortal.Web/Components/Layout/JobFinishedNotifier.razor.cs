using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Web.Components.Shared;

namespace OfflinePortal.Web.Components.Layout;

/// <summary>
/// Shows a snackbar when a job the signed-in user started finishes (while any page of the portal is open), except on
/// that job's own page, which shows the outcome itself.
/// </summary>
public sealed partial class JobFinishedNotifier : ComponentBase, IAsyncDisposable
{
    private readonly HashSet<Guid> _active = [];
    private MonitorWatch? _watch;
    private string? _userId;

    [Inject]
    public required JobMonitor Monitor { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [CascadingParameter]
    public Task<AuthenticationState>? AuthenticationState { get; set; }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || AuthenticationState is null)
        {
            return;
        }
        _userId = (await AuthenticationState).User.UserId();
        if (_userId is not null)
        {
            _watch = MonitorWatch.Start(Monitor, null, OnSnapshotAsync, ex => DispatchExceptionAsync(ex));
        }
    }

    private Task OnSnapshotAsync(JobSnapshot snapshot)
    {
        if (snapshot.CreatedByUserId != _userId)
        {
            return Task.CompletedTask;
        }
        if (!snapshot.IsFinished)
        {
            _active.Add(snapshot.JobId);
            return Task.CompletedTask;
        }
        if (!_active.Remove(snapshot.JobId))
        {
            return Task.CompletedTask; // finished before this page opened
        }
        return InvokeAsync(() =>
        {
            if (IsOpen(snapshot.JobId))
            {
                return; // the job's own page already shows the outcome
            }
            var (severity, what) = snapshot.State switch
            {
                JobState.Succeeded => (Severity.Success, "finished"),
                JobState.SucceededWithErrors => (Severity.Warning, "finished with errors"),
                JobState.Cancelled => (Severity.Info, "was cancelled"),
                _ => (Severity.Error, "failed"),
            };
            Snackbar.Add($"Your job for area '{snapshot.AreaName}' {what}.", severity, options =>
            {
                options.Action = "Open";
                options.OnClick = _ =>
                {
                    Navigation.NavigateTo($"jobs/{snapshot.JobId}");
                    return Task.CompletedTask;
                };
            }, key: snapshot.JobId.ToString());
        });
    }

    /// <summary>True when the current page is that job's page (<c>/jobs/{id}</c>, whatever the Guid's case or a query).</summary>
    private bool IsOpen(Guid jobId)
    {
        var path = Navigation.ToBaseRelativePath(Navigation.Uri);
        var end = path.IndexOfAny(['?', '#']);
        path = (end < 0 ? path : path[..end]).TrimEnd('/');
        return path.StartsWith("jobs/", StringComparison.OrdinalIgnoreCase) && Guid.TryParse(path["jobs/".Length..], out var open) && open == jobId;
    }

    public async ValueTask DisposeAsync()
    {
        if (_watch is not null)
        {
            await _watch.DisposeAsync();
        }
    }
}
