using System.Text.Json;
using OfflinePortal.Core.ArcGis.Json;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.WebMaps;

/// <summary><c>editableLayers.download</c>: what editable layers bring along when taken offline.</summary>
public enum EditableLayersDownload
{
    /// <summary>Features and attachments (the default).</summary>
    FeaturesAndAttachments,

    /// <summary>Features without attachments.</summary>
    Features,

    /// <summary>Schema only (createReplica <c>queryOption:"none"</c>).</summary>
    None,
}

/// <summary><c>editableLayers.sync</c>: how editable layers synchronise.</summary>
public enum EditableLayersSync
{
    /// <summary>Features and attachments both ways (the default).</summary>
    SyncFeaturesAndAttachments,

    /// <summary>Features both ways, attachments only uploaded.</summary>
    SyncFeaturesUploadAttachments,

    /// <summary>Upload only; the offline copy starts as schema only.</summary>
    UploadFeaturesAndAttachments,
}

/// <summary>
/// The author's offline settings (<c>applicationProperties.offline</c>), with the web map specification's defaults
/// where a part is missing.
/// </summary>
public sealed record WebMapOfflineSettings
{
    /// <summary>True when the map has an <c>applicationProperties.offline</c> object at all.</summary>
    public bool IsDefined { get; init; }

    public EditableLayersDownload EditableLayersDownload { get; init; } = EditableLayersDownload.FeaturesAndAttachments;

    public EditableLayersSync EditableLayersSync { get; init; } = EditableLayersSync.SyncFeaturesAndAttachments;

    /// <summary><c>readonlyLayers.downloadAttachments</c> (false when absent).</summary>
    public bool ReadOnlyLayersDownloadAttachments { get; init; }

    /// <summary><c>offlinebasemap.referenceBasemapName</c>: a sideloaded basemap file to use instead of exporting one.</summary>
    public string? ReferenceBasemapName { get; init; }

    /// <summary><c>connectedOnlineLayers[].id</c>: layers and tables that stay online in the offline map.</summary>
    public IReadOnlyList<string> ConnectedOnlineLayerIds { get; init; } = [];

    /// <summary><c>syncDataOptions</c>, passed on to createReplica.</summary>
    public long? SyncDataOptions { get; init; }

    /// <summary><c>tables.includeRows</c> (true when absent: tables come with their rows).</summary>
    public bool TablesIncludeRows { get; init; } = true;

    public bool IsConnectedOnline(string layerId) => ConnectedOnlineLayerIds.Contains(layerId, StringComparer.Ordinal);

    internal static WebMapOfflineSettings Parse(JsonElement? element, ICollection<string> warnings)
    {
        if (element is not { ValueKind: JsonValueKind.Object } offline)
        {
            return new WebMapOfflineSettings();
        }
        var editable = offline.Obj("editableLayers");
        return new WebMapOfflineSettings
        {
            IsDefined = true,
            EditableLayersDownload = editable?.Str("download")?.Trim().ToUpperInvariant() switch
            {
                null or "" or "FEATURESANDATTACHMENTS" => EditableLayersDownload.FeaturesAndAttachments,
                "FEATURES" or "FEATUERS" => EditableLayersDownload.Features,
                "NONE" => EditableLayersDownload.None,
                var other => Warn(warnings, $"Unknown editableLayers.download '{other}'; using featuresAndAttachments.", EditableLayersDownload.FeaturesAndAttachments),
            },
            EditableLayersSync = editable?.Str("sync")?.Trim().ToUpperInvariant() switch
            {
                null or "" or "SYNCFEATURESANDATTACHMENTS" => EditableLayersSync.SyncFeaturesAndAttachments,
                "SYNCFEATURESUPLOADATTACHMENTS" => EditableLayersSync.SyncFeaturesUploadAttachments,
                "UPLOADFEATURESANDATTACHMENTS" => EditableLayersSync.UploadFeaturesAndAttachments,
                var other => Warn(warnings, $"Unknown editableLayers.sync '{other}'; using syncFeaturesAndAttachments.", EditableLayersSync.SyncFeaturesAndAttachments),
            },
            ReadOnlyLayersDownloadAttachments = offline.Obj("readonlyLayers")?.Bool("downloadAttachments") ?? false,
            ReferenceBasemapName = offline.Obj("offlinebasemap")?.NonEmptyStr("referenceBasemapName"),
            ConnectedOnlineLayerIds = offline.Array("connectedOnlineLayers")
                .Select(l => l.ValueKind == JsonValueKind.String ? l.GetString() : l.Str("id"))
                .Where(id => !string.IsNullOrWhiteSpace(id))
                .Select(id => id!)
                .ToList(),
            SyncDataOptions = offline.Int64("syncDataOptions"),
            TablesIncludeRows = offline.Obj("tables")?.Bool("includeRows", true) ?? true,
        };
    }

    private static T Warn<T>(ICollection<string> warnings, string message, T value)
    {
        warnings.Add(message);
        return value;
    }
}

/// <summary>The map's initial view (<c>initialState.viewpoint</c>).</summary>
public sealed record WebMapViewpoint(EsriGeometry? TargetGeometry, double? Scale, double? Rotation);

/// <summary>The JSON is not a usable web map (not JSON, not an object, or not shaped like a web map).</summary>
public sealed class WebMapFormatException : Exception
{
    public WebMapFormatException(string message)
        : base(message)
    {
    }

    public WebMapFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
