using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.WebMaps;

namespace OfflinePortal.Web.Components.Shared;

/// <summary>
/// A Leaflet map drawing a web map's layers with esri-leaflet (<c>wwwroot/js/webMapPreview.js</c>): feature layers,
/// tiled and dynamic map services; kinds the preview skips are listed with the reason. Every request goes through the
/// portal's proxy for this web map, so the browser never holds a token. An area can be drawn on top.
/// </summary>
public sealed partial class WebMapPreview : ComponentBase, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string?> _status = new(StringComparer.Ordinal);
    private ElementReference _element;
    private LeafletMap? _map;
    private DotNetObjectReference<WebMapPreview>? _self;
    private string? _shownArea;

    [Inject]
    public required IJSRuntime JS { get; init; }

    [Parameter, EditorRequired]
    public required string WebMapId { get; set; }

    [Parameter, EditorRequired]
    public IReadOnlyList<WebMapPreviewLayer> Layers { get; set; } = [];

    /// <summary>Where to look first, in WGS84 (ignored when an area is shown: the map fits the area).</summary>
    [Parameter]
    public EsriEnvelope? Extent { get; set; }

    /// <summary>An area (GeoJSON in WGS84) drawn over the layers.</summary>
    [Parameter]
    public string? AreaGeoJson { get; set; }

    [Parameter]
    public string Height { get; set; } = "420px";

    [Parameter]
    public string Id { get; set; } = "webmap-preview";

    [Parameter]
    public string Label { get; set; } = "Map preview of the web map";

    private IReadOnlyList<WebMapPreviewLayer> NotDrawn => [.. Layers.Where(l => l.NotDrawnReason is not null)];

    private string StatusText
    {
        get
        {
            var drawn = Layers.Count(l => l.NotDrawnReason is null && l.Url is not null);
            var loaded = _status.Count(s => s.Value is null);
            var failed = _status.Where(s => s.Value is not null).Select(s => Layers.FirstOrDefault(l => l.Id == s.Key)?.Title ?? s.Key).ToList();
            var text = string.Create(CultureInfo.InvariantCulture, $"{drawn} layer(s) drawn through the portal's proxy; {loaded} loaded so far.");
            return failed.Count == 0 ? text : text + " Could not load: " + string.Join(", ", failed) + ".";
        }
    }

    /// <summary>The proxy path esri-leaflet prefixes to every service URL.</summary>
    public static string ProxyPath(string webMapId) => $"/api/v1/webmaps/{Uri.EscapeDataString(webMapId)}/proxy";

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _self = DotNetObjectReference.Create(this);
            _shownArea = AreaGeoJson;
            _map = await LeafletMap.CreateAsync(JS, "./js/webMapPreview.js", "createWebMapPreview", _element, _self, new
            {
                proxy = ProxyPath(WebMapId),
                layers = Layers.Where(l => l.NotDrawnReason is null).Select(l => new
                {
                    id = l.Id,
                    kind = l.Kind.ToString(),
                    url = l.Url,
                    opacity = l.Opacity,
                    visible = l.Visible,
                    definitionExpression = l.DefinitionExpression,
                    visibleLayers = l.VisibleLayers,
                }),
                extent = Extent is { IsEmpty: false } e ? new[] { e.XMin, e.YMin, e.XMax, e.YMax } : null,
                areaGeoJson = AreaGeoJson,
            });
        }
        else if (_map is not null && !string.Equals(_shownArea, AreaGeoJson, StringComparison.Ordinal))
        {
            _shownArea = AreaGeoJson;
            await _map.InvokeVoidAsync("setArea", AreaGeoJson);
        }
    }

    /// <summary>Called by the map when a layer first loaded, or failed to.</summary>
    [JSInvokable]
    public async Task OnLayerStatus(string layerId, bool ok, string? message)
    {
        _status[layerId] = ok ? null : message ?? "failed";
        await InvokeAsync(StateHasChanged);
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
