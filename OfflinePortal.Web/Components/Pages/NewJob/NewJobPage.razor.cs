using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using OfflinePortal.Core;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Areas;
using OfflinePortal.Core.Persistence;
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

    private const string MissingArea = "This area does not exist (any more).";

    private NewJobSetup? _setup;
    private Area? _prerenderedArea;
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
    private long _generation;

    [Parameter]
    public int AreaId { get; set; }

    [Inject]
    public required OfflineMapService Offline { get; init; }

    [Inject]
    public required WebMapCatalog Catalog { get; init; }

    [Inject]
    public required AreaService Areas { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [CascadingParameter]
    public required Task<AuthenticationState> AuthenticationState { get; set; }

    /// <summary>The area the page is for: read alone while prerendering, then with the rest of the setup.</summary>
    private Area? ShownArea => _setup?.Area ?? _prerenderedArea;

    private string? BlockedReason =>
        _setup?.AreaError is not null ? "the area cannot be used."
        : _parameters is null ? "the options are not ready."
        : OfflineParameterChoices.ValidateByField(_parameters).Count > 0 ? "correct the options marked in red."
        : null;

    protected override async Task OnInitializedAsync()
    {
        if (!RendererInfo.IsInteractive)
        {
            // Prerendering shows the area at once (or that it does not exist); reading the map's services and
            // estimating take seconds and happen once, in the interactive render that follows.
            _prerenderedArea = await Areas.GetAreaAsync(AreaId, CancellationToken.None);
            _error = _prerenderedArea is null ? MissingArea : null;
            return;
        }
        try
        {
            _setup = await Offline.PrepareAsync(AreaId, CancellationToken.None);
            if (_setup is null)
            {
                _error = MissingArea;
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
        var request = new RefreshRequest(++_generation, _parameters!, _edits, immediately ? TimeSpan.Zero : EstimateDelay);
        _refreshTask = RefreshAsync(_refreshTask, request, _refresh.Token);
    }

    /// <summary>What one refresh estimates: the options as they were when it was asked for, and its place in the sequence.</summary>
    private sealed record RefreshRequest(long Generation, GenerateOfflineMapParameters Parameters, OfflineOverrideEdits Edits, TimeSpan Delay);

    /// <summary>
    /// Works out overrides and the estimate off the page's state, then applies the result on the page's dispatcher only
    /// if no newer change came meanwhile: a late answer to an older change can never show, nor enable Start.
    /// </summary>
    private async Task RefreshAsync(Task previous, RefreshRequest request, CancellationToken cancellationToken)
    {
        GenerateOfflineMapParameterOverrides? overrides = null;
        OfflineMapEstimate? estimate = null;
        string? error = null;
        try
        {
            // One refresh at a time: the cancelled one finishes before this one starts its requests.
            await previous;
            if (request.Delay > TimeSpan.Zero)
            {
                await Task.Delay(request.Delay, Time, cancellationToken);
            }
            // Invalid options get no estimate: their messages stand beside the fields.
            if (OfflineParameterChoices.ValidateByField(request.Parameters).Count == 0)
            {
                overrides = await Offline.CreateOverridesAsync(_setup!.WebMapId, request.Parameters, request.Edits, cancellationToken);
                estimate = await Offline.EstimateAsync(_setup.WebMapId, request.Parameters, overrides, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // a newer change took over
        }
        catch (RequestValidationException e)
        {
            error = e.Message;
        }
        catch (WebMapCatalogException e)
        {
            error = e.Message;
        }
        catch (Core.ArcGis.ArcGisException e)
        {
            error = "A service could not answer: " + e.Message;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not a problem of the options: the circuit's error handling shows it, as for any fault in a page.
            await DispatchExceptionAsync(e);
            return;
        }
        await InvokeAsync(() =>
        {
            if (request.Generation != _generation)
            {
                return;
            }
            if (overrides is not null)
            {
                _overrides = overrides;
            }
            (_estimate, _estimateError, _estimating) = (estimate, error, false);
            StateHasChanged();
        });
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
