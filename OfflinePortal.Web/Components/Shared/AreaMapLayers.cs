using OfflinePortal.Core.Administration;

namespace OfflinePortal.Web.Components.Shared;

/// <summary>A layer drawn over the basemap (hook for the web map's own layers).</summary>
public sealed record AreaMapOverlay(string Kind, string UrlTemplate, double Opacity = 1);

/// <summary>What the area maps show under the area: a basemap (browser-relative URLs) and overlays.</summary>
public sealed record AreaMapLayers(string? BasemapUrlTemplate, string? BasemapInfoUrl, string? BasemapAttribution, IReadOnlyList<AreaMapOverlay> Overlays)
{
    public static AreaMapLayers None { get; } = new(null, null, null, []);
}

/// <summary>Chooses the layers of the area maps; replace it to show a web map's own basemap and layers.</summary>
public interface IAreaMapLayersProvider
{
    Task<AreaMapLayers> GetAsync(string? webMapId, CancellationToken cancellationToken);
}

/// <summary>While the sample portal is the source, its tiled basemap; with an external portal, no basemap yet.</summary>
public sealed class SampleAreaMapLayersProvider(PortalConnectionProvider connection) : IAreaMapLayersProvider
{
    public const string SampleBasemap = "sample/arcgis/rest/services/Basemap/MapServer";

    public async Task<AreaMapLayers> GetAsync(string? webMapId, CancellationToken cancellationToken)
    {
        var form = await connection.GetFormAsync(cancellationToken);
        return string.IsNullOrWhiteSpace(form.PortalUrl)
            ? new AreaMapLayers(SampleBasemap + "/tile/{z}/{y}/{x}", SampleBasemap + "?f=json", "Sample portal", [])
            : AreaMapLayers.None;
    }
}
