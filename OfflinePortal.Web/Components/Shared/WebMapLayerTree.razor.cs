using Microsoft.AspNetCore.Components;
using OfflinePortal.Core.Offline;
using OfflinePortal.Core.WebMaps;

namespace OfflinePortal.Web.Components.Shared;

/// <summary>A web map's layers as a tree (group layers hold their children, top layer first), its tables, and its basemap apart.</summary>
public sealed partial class WebMapLayerTree
{
    [Parameter, EditorRequired]
    public required WebMap Map { get; set; }

    /// <summary>When given, each layer shows whether it goes offline.</summary>
    [Parameter]
    public IReadOnlyDictionary<string, OfflineLayerCapability>? Capabilities { get; set; }

    [Parameter]
    public string Id { get; set; } = "webmap-layer-tree";
}
