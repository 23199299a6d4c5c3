using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using OfflinePortal.Core;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Offline;
using OfflinePortal.Core.WebMaps;

namespace OfflinePortal.Web.Components.Pages.NewJob;

/// <summary>
/// Starts a job for an area: the options (defaults from the web map's author), the per-layer overrides, and the estimate,
/// which follows every change (debounced, the previous one cancelled). Start is possible only when the options are
/// valid and no tile limit would be broken; the parameters and overrides are stored as JSON with the job.
/// </summary>
public sealed partial class NewJobPage : IAsyncDisposable
{
    /// <summary>How long the form waits after a change before estimating again.</summary>
    public static readonly TimeSpan EstimateDelay = TimeSpan.FromMilliseconds(400);

    private NewJobSetup? _setup;
    private IReadOnlyList<WebMapPreviewLayer> _previewLayers = [];
    private GenerateOfflineMapParameters? _parameters;
    private GenerateOfflineMapParameterOverrides? _overrides;
    private OfflineOverrideEdits _edits = OfflineOverrideEdits.None;
    private OfflineMapEstimate? _estimate;
    private string? _estimateError;
    private bool _estimating;
    private bool _starting;
    private string? _error;
    private List<string> _startErrors = [];
    private CancellationTokenSource? _refresh;
    private Task _refreshTask = Task.CompletedTask;

    [Parameter]
    public int AreaId { get; set; }

    [Inject]
    public required OfflineMapService Offline { get; init; }

    [Inject]
    public required WebMapCatalog Catalog { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [CascadingParameter]
    public required Task<AuthenticationState> AuthenticationState { get; set; }

    private string? BlockedReason =>
        _setup?.AreaError is not null ? "the area cannot be used."
        : _parameters is null ? "the options are not ready."
        : OfflineParameterChoices.ValidateByField(_parameters).Count > 0 ? "correct the options marked in red."
        : null;

    protected override async Task OnInitializedAsync()
    {
        try
        {
            _setup = await Offline.PrepareAsync(AreaId, CancellationToken.None);
            if (_setup is null)
            {
                _error = "This area does not exist (any more).";
                return;
            }
            _previewLayers = (await Catalog.GetAsync(_setup.WebMapId, CancellationToken.None)).PreviewLayers;
        }
        catch (WebMapCatalogException e)
        {
            _error = e.Message;
            return;
        }
        _parameters = _setup.Defaults;
        if (_parameters is not null)
        {
            ScheduleRefresh(immediately: true);
        }
    }

    private void OnParametersChanged(GenerateOfflineMapParameters parameters)
    {
        _parameters = parameters;
        ScheduleRefresh(immediately: false);
    }

    private void OnEditsChanged(OfflineOverrideEdits edits)
    {
        _edits = edits;
        ScheduleRefresh(immediately: false);
    }

    /// <summary>Cancels the estimate under way (or waiting) and starts another after a short pause.</summary>
    private void ScheduleRefresh(bool immediately)
    {
        _refresh?.Cancel();
        _refresh?.Dispose();
        _refresh = new CancellationTokenSource();
        _estimating = true;
        _startErrors = [];
        var previous = _refreshTask;
        _refreshTask = RefreshAsync(previous, immediately ? TimeSpan.Zero : EstimateDelay, _refresh.Token);
    }

    private async Task RefreshAsync(Task previous, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            // One refresh at a time: the cancelled one finishes before this one looks at the state.
            await previous.ConfigureAwait(true);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, Time, cancellationToken);
            }
            var parameters = _parameters!;
            if (OfflineParameterChoices.ValidateByField(parameters).Count > 0)
            {
                // The messages stand beside the fields; an estimate of invalid options means nothing.
                (_estimate, _estimateError) = (null, null);
            }
            else
            {
                var overrides = await Offline.CreateOverridesAsync(_setup!.WebMapId, parameters, _edits, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                _overrides = overrides;
                var estimate = await Offline.EstimateAsync(_setup.WebMapId, parameters, overrides, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                (_estimate, _estimateError) = (estimate, null);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // a newer change took over
        }
        catch (RequestValidationException e)
        {
            (_estimate, _estimateError) = (null, e.Message);
        }
        catch (WebMapCatalogException e)
        {
            (_estimate, _estimateError) = (null, e.Message);
        }
        catch (Core.ArcGis.ArcGisException e)
        {
            (_estimate, _estimateError) = (null, "A service could not answer: " + e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not a problem of the options: the circuit's error handling shows it, as for any fault in a page.
            await DispatchExceptionAsync(e);
            return;
        }
        if (!cancellationToken.IsCancellationRequested)
        {
            _estimating = false;
            await InvokeAsync(StateHasChanged);
        }
    }

    private async Task StartAsync()
    {
        if (_setup is null || _parameters is null || _starting)
        {
            return;
        }
        _starting = true;
        _startErrors = [];
        try
        {
            var actor = (await AuthenticationState).User.ToActor();
            var job = await Offline.StartAsync(new NewJobRequest(AreaId, _setup.WebMapId, _parameters, _overrides), actor, CancellationToken.None);
            Navigation.NavigateTo($"jobs/{job.Id}");
        }
        catch (RequestValidationException e)
        {
            _startErrors = [.. e.Errors.SelectMany(x => x.Value)];
        }
        catch (WebMapCatalogException e)
        {
            _startErrors = [e.Message];
        }
        finally
        {
            _starting = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_refresh is not null)
        {
            await _refresh.CancelAsync();
        }
        try
        {
            await _refreshTask;
        }
        catch (OperationCanceledException)
        {
            // Cancelled with the page.
        }
        _refresh?.Dispose();
    }
}
