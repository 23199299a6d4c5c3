using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace OfflinePortal.Web.Components.Shared;

/// <summary>
/// A Leaflet map showing (and, when <see cref="Editable"/>, drawing with leaflet-geoman) an area's GeoJSON. The JS lives
/// in <c>wwwroot/js/areaMap.js</c>; the basemap and overlays come from <see cref="IAreaMapLayersProvider"/>.
/// </summary>
public sealed partial class AreaMap : ComponentBase, IAsyncDisposable
{
    private ElementReference _element;
    private LeafletMap? _map;
    private DotNetObjectReference<AreaMap>? _self;
    private string? _shownGeoJson;

    [Inject]
    public required IJSRuntime JS { get; init; }

    [Inject]
    public required IAreaMapLayersProvider Layers { get; init; }

    [Parameter]
    public string? GeoJson { get; set; }

    [Parameter]
    public EventCallback<string?> GeoJsonChanged { get; set; }

    [Parameter]
    public bool Editable { get; set; }

    [Parameter]
    public string? WebMapId { get; set; }

    [Parameter]
    public string Height { get; set; } = "420px";

    [Parameter]
    public string Id { get; set; } = "area-map";

    [Parameter]
    public string Label { get; set; } = "Map of the area";

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            var layers = await Layers.GetAsync(WebMapId, CancellationToken.None);
            _self = DotNetObjectReference.Create(this);
            _shownGeoJson = GeoJson;
            _map = await LeafletMap.CreateAsync(JS, "./js/areaMap.js", "createAreaMap", _element, _self, new
            {
                geoJson = GeoJson,
                editable = Editable,
                basemapUrlTemplate = layers.BasemapUrlTemplate,
                basemapInfoUrl = layers.BasemapInfoUrl,
                basemapAttribution = layers.BasemapAttribution,
                overlays = layers.Overlays.Select(o => new { kind = o.Kind, urlTemplate = o.UrlTemplate, opacity = o.Opacity }),
            });
        }
        else if (_map is not null && !string.Equals(_shownGeoJson, GeoJson, StringComparison.Ordinal))
        {
            _shownGeoJson = GeoJson;
            await _map.InvokeVoidAsync("setGeoJson", GeoJson);
        }
    }

    /// <summary>Called by the map when a shape is drawn, edited or removed.</summary>
    [JSInvokable]
    public async Task OnGeometryChanged(string? geoJson)
    {
        _shownGeoJson = geoJson;
        await GeoJsonChanged.InvokeAsync(geoJson);
    }

    public async ValueTask DisposeAsync()
    {
        if (_map is not null)
        {
            await _map.DisposeAsync();
        }
        _self?.Dispose();
    }
}
