using Microsoft.AspNetCore.Components;
using MudBlazor;
using OfflinePortal.Core.Offline;
using OfflinePortal.Core.WebMaps;

namespace OfflinePortal.Web.Components.Shared;

/// <summary>One layer of <see cref="WebMapLayerTree"/>, with its children.</summary>
public sealed partial class WebMapLayerTreeNode
{
    [Parameter, EditorRequired]
    public required WebMapLayer Layer { get; set; }

    [Parameter]
    public IReadOnlyDictionary<string, OfflineLayerCapability>? Capabilities { get; set; }

    private OfflineLayerCapability? Capability => Capabilities?.GetValueOrDefault(Layer.Id);

    private string TypeText => Layer.IsTable ? "table" : Layer.LayerType switch
    {
        WebMapLayerType.ArcGISFeatureLayer => Layer.HasFeatureCollection ? "feature collection" : "feature layer",
        WebMapLayerType.ArcGISTiledMapServiceLayer => "tiled map service",
        WebMapLayerType.ArcGISTiledImageServiceLayer => "tiled image service",
        WebMapLayerType.ArcGISMapServiceLayer => "dynamic map service",
        WebMapLayerType.ArcGISImageServiceLayer => "image service",
        WebMapLayerType.VectorTileLayer => "vector tiles",
        WebMapLayerType.GroupLayer => "group",
        WebMapLayerType.Unknown => Layer.LayerTypeName ?? "unknown type",
        _ => Layer.LayerTypeName ?? Layer.LayerType.ToString(),
    };

    private string Icon => Layer.IsTable ? Icons.Material.Filled.TableChart : Layer.LayerType switch
    {
        WebMapLayerType.GroupLayer => Icons.Material.Filled.Folder,
        WebMapLayerType.ArcGISFeatureLayer => Icons.Material.Filled.Place,
        WebMapLayerType.ArcGISTiledMapServiceLayer or WebMapLayerType.ArcGISTiledImageServiceLayer or WebMapLayerType.VectorTileLayer => Icons.Material.Filled.GridOn,
        _ => Icons.Material.Filled.Layers,
    };
}
