using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Areas;
using OfflinePortal.Core.Offline;
using OfflinePortal.Core.WebMaps;

namespace OfflinePortal.Web.Components.Pages.WebMaps;

/// <summary>
/// One web map: its layers and tables as a tree, a preview drawn with esri-leaflet through the proxy, the capability
/// report (exportable), "new area" for this map, and its saved areas with "new job" on each.
/// </summary>
public sealed partial class WebMapPage
{
    private WebMapDetails? _details;
    private OfflineMapCapabilities? _capabilities;
    private IReadOnlyDictionary<string, OfflineLayerCapability>? _capabilityById;
    private IReadOnlyList<AreaListItem> _areas = [];
    private string? _error;
    private string? _capabilityError;
    private bool _canOperate;

    [Parameter]
    public string Id { get; set; } = "";

    [Inject]
    public required WebMapCatalog Catalog { get; init; }

    [Inject]
    public required OfflineMapService Offline { get; init; }

    [Inject]
    public required AreaService Areas { get; init; }

    [CascadingParameter]
    public required Task<AuthenticationState> AuthenticationState { get; set; }

    private string Modified => _details?.Item.Modified?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—";

    private string NewAreaUrl => $"areas/new?webMap={Uri.EscapeDataString(Id)}";

    private string ExportUrl(string format) => $"api/v1/webmaps/{Uri.EscapeDataString(Id)}/capabilities?format={format}&download=1";

    protected override async Task OnParametersSetAsync()
    {
        _canOperate = (await AuthenticationState).User.CanOperate();
        (_details, _capabilities, _capabilityById, _error, _capabilityError) = (null, null, null, null, null);
        try
        {
            _details = await Catalog.GetAsync(Id, CancellationToken.None);
        }
        catch (WebMapCatalogException e)
        {
            _error = e.Message;
            return;
        }
        _areas = await Areas.ListAreasAsync(_details.Id, CancellationToken.None);
        if (!RendererInfo.IsInteractive)
        {
            // Prerendering shows the map's header and layers at once; the report reads every service the map
            // references (seconds when one is slow or down) and is built once, by the interactive render that follows.
            return;
        }
        StateHasChanged();
        try
        {
            _capabilities = await Offline.GetCapabilitiesAsync(_details.Id, CancellationToken.None);
            _capabilityById = _capabilities.All.GroupBy(c => c.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        }
        catch (WebMapCatalogException e)
        {
            _capabilityError = e.Message;
        }
    }
}
