using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using OfflinePortal.Core;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Offline;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Web.Components.Shared;

namespace OfflinePortal.Web.Components.Pages.Jobs;

/// <summary>One job: live progress while it runs, then its outcome, files, options, area and log (the audit's detail page).</summary>
public sealed partial class JobPage : IAsyncDisposable
{
    private JobDetails? _details;
    private JobSnapshot? _live;
    private List<JobLogLine> _log = [];
    private IReadOnlyList<PackageFile>? _files;
    private IReadOnlyList<(string Option, string Value)> _options = [];
    private string? _optionsError;
    private MonitorWatch? _watch;
    private bool _loaded;
    private bool _canOperate;
    private JobActor? _actor;

    [Parameter]
    public Guid Id { get; set; }

    [Inject]
    public required JobService Jobs { get; init; }

    [Inject]
    public required JobMonitor Monitor { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [CascadingParameter]
    public required Task<AuthenticationState> AuthenticationState { get; set; }

    private JobState State => _live?.State ?? _details!.Job.State;

    /// <summary>Who deleted the package and why (retention or by hand), as the log recorded it.</summary>
    private string? PackageDeletion =>
        _log.LastOrDefault(l => l.Message.StartsWith(JobDetails.PackageDeletedLogPrefix, StringComparison.Ordinal))?.Message[JobDetails.PackageDeletedLogPrefix.Length..];

    private IEnumerable<JobLogLine> Log
    {
        get
        {
            var last = _log.Count == 0 ? 0 : _log[^1].Sequence;
            return _live is null ? _log : _log.Concat(_live.LogTail.Where(l => l.Sequence > last));
        }
    }

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        _canOperate = user.CanOperate();
        _actor = user.ToActor();
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_watch is not null)
        {
            await _watch.DisposeAsync();
            _watch = null;
        }
        _live = null;
        await LoadAsync();
        _loaded = true;
        if (_details is not null && !_details.Job.State.IsFinished())
        {
            _watch = MonitorWatch.Start(Monitor, Id, OnSnapshotAsync, ex => DispatchExceptionAsync(ex));
        }
    }

    private async Task LoadAsync()
    {
        _details = await Jobs.GetAsync(Id, CancellationToken.None);
        if (_details is null)
        {
            return;
        }
        try
        {
            _options = OfflineOptionsSummary.Describe(_details.Job.ParametersJson, OfflineMapService.AreaGeometry(_details.Job.AreaGeoJson));
            _optionsError = null;
        }
        catch (ArgumentException ex)
        {
            // A job stored before a rule changed still shows; its options are then listed as stored.
            _options = [];
            _optionsError = "The options cannot be read: " + ex.Message;
        }
        _log = [.. (await Jobs.GetLogAsync(Id, 0, 10_000, CancellationToken.None)).Select(e => new JobLogLine(e.Sequence, e.TimestampUtc, e.Level, e.Message))];
        _files = await PackageManifestFiles.ReadAsync(await Jobs.GetPackageDirectoryAsync(Id, CancellationToken.None), CancellationToken.None);
    }

    private Task OnSnapshotAsync(JobSnapshot snapshot) => InvokeAsync(async () =>
    {
        _live = snapshot;
        if (snapshot.IsFinished)
        {
            await LoadAsync(); // the outcome, layers and package are in the database now
            _live = null;
        }
        StateHasChanged();
    });

    private async Task CancelAsync()
    {
        var result = await Jobs.CancelAsync(Id, _actor!, CancellationToken.None);
        Snackbar.Add(result == JobCancelResult.AlreadyFinished ? "The job had already finished." : "Cancelling the job.", Severity.Info);
    }

    private async Task RetryAsync()
    {
        try
        {
            var job = await Jobs.RetryAsync(Id, _actor!, CancellationToken.None);
            if (job is not null)
            {
                Navigation.NavigateTo($"jobs/{job.Id}");
            }
        }
        catch (RequestValidationException ex)
        {
            Snackbar.Add(ex.Message, Severity.Warning);
        }
    }

    private async Task DeletePackageAsync()
    {
        var size = Format.Bytes(_details!.Job.PackageBytes);
        if (!await Dialogs.ConfirmAsync("Delete package?",
                $"The package ({size}) is deleted from the server and can no longer be downloaded. The job's record and log are kept.", "Delete package"))
        {
            return;
        }
        if (!await Jobs.DeletePackageAsync(Id, JobDetails.DeletedByHandReason(_actor!), CancellationToken.None))
        {
            Snackbar.Add("The package could not be deleted: it was deleted or the job changed meanwhile.", Severity.Warning);
        }
        await LoadAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_watch is not null)
        {
            await _watch.DisposeAsync();
        }
    }
}
