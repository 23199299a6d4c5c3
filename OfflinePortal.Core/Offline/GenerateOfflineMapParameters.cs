using System.Text.Json.Serialization;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.Offline;

/// <summary>Item information of the offline map (the SDK's OfflineMapItemInfo): what the package calls itself.</summary>
public sealed record OfflineMapItemInfo
{
    public string Title { get; init; } = "";

    public string? Snippet { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public string? AccessInformation { get; init; }

    public string? TermsOfUse { get; init; }

    /// <summary>PNG or JPEG bytes of the thumbnail; null to draw one from the area.</summary>
    public byte[]? Thumbnail { get; init; }
}

/// <summary>
/// What to take offline and how (the SDK's GenerateOfflineMapParameters). Create it with
/// <c>OfflineMapTask.CreateDefaultGenerateOfflineMapParametersAsync</c>, which applies the web map author's offline
/// settings, then change what the crew needs.
/// </summary>
public sealed record GenerateOfflineMapParameters
{
    /// <summary>The crew's area: a polygon or envelope in WGS84 or Web Mercator. Crossing the antimeridian is allowed.</summary>
    public required EsriGeometry AreaOfInterest { get; init; }

    /// <summary>The most zoomed-out scale to take tiles for (e.g. 500,000 for 1:500,000); 0 = the service's smallest.</summary>
    public double MinScale { get; init; }

    /// <summary>The most zoomed-in scale to take tiles for (e.g. 1,000 for 1:1,000); 0 = the service's largest.</summary>
    public double MaxScale { get; init; }

    /// <summary>Take the web map's basemap layers; false leaves them out (and ignores a reference basemap).</summary>
    public bool IncludeBasemap { get; init; } = true;

    /// <summary>
    /// Folder on the device holding a tile package to use as the basemap instead of downloading one (absolute, or
    /// relative to the package folder). As in the ArcGIS Maps SDK, the reference basemap is used only when this is set:
    /// the web map's authored <c>referenceBasemapName</c> alone fills <see cref="ReferenceBasemapFilename"/> but still
    /// downloads the basemap.
    /// </summary>
    public string? ReferenceBasemapDirectory { get; init; }

    /// <summary>File name of that tile package (e.g. <c>LocalBasemap.tpkx</c>).</summary>
    public string? ReferenceBasemapFilename { get; init; }

    public GenerateOfflineMapOnlineOnlyServicesOption OnlineOnlyServicesOption { get; init; } = GenerateOfflineMapOnlineOnlyServicesOption.Exclude;

    public GenerateOfflineMapUpdateMode UpdateMode { get; init; } = GenerateOfflineMapUpdateMode.SyncWithFeatureServices;

    /// <summary>Apply each layer's definition expression as the replica's where clause (the default).</summary>
    public bool IsDefinitionExpressionFilterEnabled { get; init; } = true;

    public DestinationTableRowFilter DestinationTableRowFilter { get; init; } = DestinationTableRowFilter.RelatedOnly;

    /// <summary>Go on with the other layers when one fails (the default); false stops at the first failure and keeps nothing.</summary>
    public bool ContinueOnErrors { get; init; } = true;

    public ReturnLayerAttachmentOption ReturnLayerAttachmentOption { get; init; } = ReturnLayerAttachmentOption.AllLayers;

    public AttachmentSyncDirection AttachmentSyncDirection { get; init; } = AttachmentSyncDirection.Bidirectional;

    /// <summary>Editable layers arrive empty (schema only), for crews that only collect new features.</summary>
    public bool ReturnSchemaOnlyForEditableLayers { get; init; }

    public OfflineMapItemInfo? ItemInfo { get; init; }

    /// <summary>True when a reference basemap (a tile package already on the device) replaces the downloaded basemap.</summary>
    [JsonIgnore]
    public bool UsesReferenceBasemap =>
        IncludeBasemap && !string.IsNullOrWhiteSpace(ReferenceBasemapFilename) && !string.IsNullOrWhiteSpace(ReferenceBasemapDirectory);

    /// <summary>Every problem with these parameters, each as a sentence naming the option; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (double.IsNaN(MinScale) || double.IsNaN(MaxScale) || MinScale < 0 || MaxScale < 0)
        {
            errors.Add("Scales must be positive numbers (or 0 for no limit).");
        }
        else if (MinScale > 0 && MaxScale > 0 && MinScale < MaxScale)
        {
            errors.Add(FormattableString.Invariant(
                $"The minimum scale (1:{MinScale:N0}) must be at least the maximum scale (1:{MaxScale:N0}): the minimum scale is the most zoomed-out view."));
        }
        if (!string.IsNullOrWhiteSpace(ReferenceBasemapFilename))
        {
            if (ReferenceBasemapFilename.IndexOfAny(['/', '\\']) >= 0 || ReferenceBasemapFilename is "." or "..")
            {
                errors.Add("The reference basemap file name must be a plain file name; put its folder in the reference basemap directory.");
            }
            else if (!ReferenceBasemapFilename.EndsWith(".tpk", StringComparison.OrdinalIgnoreCase)
                && !ReferenceBasemapFilename.EndsWith(".tpkx", StringComparison.OrdinalIgnoreCase)
                && !ReferenceBasemapFilename.EndsWith(".vtpk", StringComparison.OrdinalIgnoreCase)
                && !ReferenceBasemapFilename.EndsWith(".gpkg", StringComparison.OrdinalIgnoreCase)
                && !ReferenceBasemapFilename.EndsWith(".mbtiles", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add("The reference basemap must be a tile package (.tpk, .tpkx, .vtpk, .gpkg or .mbtiles).");
            }
        }
        else if (!string.IsNullOrWhiteSpace(ReferenceBasemapDirectory))
        {
            errors.Add("A reference basemap directory needs a reference basemap file name.");
        }
        errors.AddRange(ValidateAttachments(ReturnLayerAttachmentOption, AttachmentSyncDirection, UpdateMode));
        if (ItemInfo is { } info && info.Title.Length > 250)
        {
            errors.Add("The title must be at most 250 characters.");
        }
        return errors;
    }

    /// <summary>
    /// The valid combinations of returned attachments and their sync direction (createReplica's rule: returning
    /// attachments needs <c>bidirectional</c> or <c>upload</c>; not returning them allows <c>upload</c> or <c>none</c>).
    /// </summary>
    public static IEnumerable<string> ValidateAttachments(
        ReturnLayerAttachmentOption option, AttachmentSyncDirection direction, GenerateOfflineMapUpdateMode updateMode)
    {
        if (updateMode == GenerateOfflineMapUpdateMode.NoUpdates)
        {
            if (direction != AttachmentSyncDirection.None)
            {
                yield return "A package without updates cannot sync attachments: choose attachment sync 'none', or sync with the feature services.";
            }
            yield break;
        }
        if (option != ReturnLayerAttachmentOption.None && direction == AttachmentSyncDirection.None)
        {
            yield return "Attachments that are downloaded must sync ('upload' or 'bidirectional'), as feature services require; choose 'no attachments' to download none.";
        }
        if (option == ReturnLayerAttachmentOption.None && direction == AttachmentSyncDirection.Bidirectional)
        {
            yield return "Bidirectional attachment sync needs attachments to be downloaded; with no attachments choose 'upload' (collect new ones) or 'none'.";
        }
    }
}
