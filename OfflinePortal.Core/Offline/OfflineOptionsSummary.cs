using System.Globalization;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.Offline;

/// <summary>
/// A job's stored options in words, one line per option as the new-job form names them, for the job and audit pages: a
/// supervisor reads "Attachments: None downloaded, upload new ones", not JSON (and not the thumbnail's base64).
/// </summary>
public static class OfflineOptionsSummary
{
    /// <summary>The options' lines; options the job did not choose (<c>{}</c>) are "the web map author's defaults".</summary>
    /// <exception cref="ArgumentException">The JSON cannot be read as parameters.</exception>
    public static IReadOnlyList<(string Option, string Value)> Describe(string? parametersJson, EsriGeometry? area)
    {
        if (OfflineMapJobRunner.IsEmptyObject(parametersJson))
        {
            return [("Options", "The web map author's defaults (its offline settings)")];
        }
        var p = OfflineJson.DeserializeParameters(OfflineMapJobRunner.WithArea(parametersJson!, area));
        var workflow = OfflineParameterChoices.Workflow(p);
        var lines = new List<(string, string)>
        {
            ("Scale range", ScaleRange(p.MinScale, p.MaxScale)),
            ("Basemap", OfflineParameterChoices.Basemap(p) switch
            {
                BasemapChoice.Include => "Downloaded with the package",
                BasemapChoice.UseTilePackageOnDevice => $"Tile package on the device: {Path.Combine(p.ReferenceBasemapDirectory ?? "", p.ReferenceBasemapFilename ?? "")}",
                _ => "Left out",
            }),
            ("Online-only layers", p.OnlineOnlyServicesOption switch
            {
                GenerateOfflineMapOnlineOnlyServicesOption.Include => "Kept in the map, used when a connection is available",
                GenerateOfflineMapOnlineOnlyServicesOption.UseAuthoredSettings => "As the web map's author set them",
                _ => "Left out",
            }),
            ("Updates", p.UpdateMode == GenerateOfflineMapUpdateMode.SyncWithFeatureServices
                ? "Sync edits with the feature services"
                : "No updates (a read-only copy, no replicas registered)"),
            ("Attachments", workflow == AttachmentWorkflow.Custom
                ? $"Custom: {p.ReturnLayerAttachmentOption}, sync {p.AttachmentSyncDirection}"
                : OfflineParameterChoices.Workflows.Single(w => w.Workflow == workflow).Title),
            ("Layer filters", p.IsDefinitionExpressionFilterEnabled ? "The web map's layer filters apply" : "Every feature in the area"),
            ("Related rows", p.DestinationTableRowFilter == DestinationTableRowFilter.All ? "All rows of related tables" : "Only rows related to features in the area"),
            ("On errors", p.ContinueOnErrors ? "Continue with the other layers" : "Stop the job"),
            ("Editable layers", p.ReturnSchemaOnlyForEditableLayers ? "Empty (schema only), for new data" : "With their features"),
        };
        if (p.ItemInfo is { } info)
        {
            lines.Add(("Title", info.Title));
            if (!string.IsNullOrWhiteSpace(info.Snippet))
            {
                lines.Add(("Summary", info.Snippet));
            }
            if (info.Tags.Count > 0)
            {
                lines.Add(("Tags", string.Join(", ", info.Tags)));
            }
            if (info.Thumbnail is { Length: > 0 } thumbnail)
            {
                lines.Add(("Thumbnail", string.Create(CultureInfo.InvariantCulture, $"A picture of {thumbnail.Length:N0} bytes")));
            }
        }
        return lines;
    }

    private static string ScaleRange(double minScale, double maxScale)
    {
        var from = minScale > 0 ? string.Create(CultureInfo.InvariantCulture, $"1:{minScale:N0} ({MapScales.Describe(minScale)})") : "the most zoomed-out level";
        var to = maxScale > 0 ? string.Create(CultureInfo.InvariantCulture, $"1:{maxScale:N0} ({MapScales.Describe(maxScale)})") : "the most detailed level";
        return $"From {from} to {to}";
    }
}
