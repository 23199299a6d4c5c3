using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using OfflinePortal.Core;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Web.Components.Shared;

namespace OfflinePortal.Web.Components.Pages.Jobs;

/// <summary>The queue and running jobs, live from the <see cref="JobMonitor"/>, plus recently finished ones.</summary>
public sealed partial class JobsPage : IAsyncDisposable
{
    private readonly Dictionary<Guid, JobSnapshot> _snapshots = [];
    private MonitorWatch? _watch;
    private bool _canOperate;
    private JobActor? _actor;

    [Inject]
    public required JobMonitor Monitor { get; init; }

    [Inject]
    public required JobService Jobs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [CascadingParameter]
    public required Task<AuthenticationState> AuthenticationState { get; set; }

    /// <summary>How many finished jobs the page lists.</summary>
    [Parameter]
    public int FinishedShown { get; set; } = 20;

    private List<JobSnapshot> Active => [.. _snapshots.Values.Where(s => !s.IsFinished).OrderBy(s => s.CreatedUtc)];

    private List<JobSnapshot> Finished => [.. _snapshots.Values.Where(s => s.IsFinished).OrderByDescending(s => s.FinishedUtc).Take(FinishedShown)];

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        _canOperate = user.CanOperate();
        _actor = user.ToActor();
        foreach (var snapshot in Monitor.GetAll())
        {
            _snapshots[snapshot.JobId] = snapshot;
        }
        _watch = MonitorWatch.Start(Monitor, null, OnSnapshotAsync, ex => DispatchExceptionAsync(ex));
    }

    private Task OnSnapshotAsync(JobSnapshot snapshot) => InvokeAsync(() =>
    {
        if (!_snapshots.TryGetValue(snapshot.JobId, out var known) || known.Version < snapshot.Version)
        {
            _snapshots[snapshot.JobId] = snapshot;
            StateHasChanged();
        }
    });

    private async Task CancelAsync(JobSnapshot snapshot)
    {
        var result = await Jobs.CancelAsync(snapshot.JobId, _actor!, CancellationToken.None);
        Snackbar.Add(result switch
        {
            JobCancelResult.Cancelled => "The job was cancelled before it started.",
            JobCancelResult.CancellationRequested => "The job is stopping.",
            _ => "The job had already finished.",
        }, Severity.Info);
    }

    private async Task RetryAsync(JobSnapshot snapshot)
    {
        try
        {
            await Jobs.RetryAsync(snapshot.JobId, _actor!, CancellationToken.None);
            Snackbar.Add($"The job for '{snapshot.AreaName}' was queued again.", Severity.Success);
        }
        catch (RequestValidationException ex)
        {
            Snackbar.Add(ex.Message, Severity.Warning);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_watch is not null)
        {
            await _watch.DisposeAsync();
        }
    }
}
