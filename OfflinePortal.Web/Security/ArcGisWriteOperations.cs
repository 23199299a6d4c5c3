namespace OfflinePortal.Web.Security;

/// <summary>The ArcGIS REST operations that change data, recognised by the last segment of a request's path.</summary>
public static class ArcGisWriteOperations
{
    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        "applyEdits", "addFeatures", "updateFeatures", "deleteFeatures", "calculate", "truncate",
        "addAttachment", "updateAttachment", "deleteAttachments",
        "createReplica", "synchronizeReplica", "unRegisterReplica",
        "addToDefinition", "updateDefinition", "deleteFromDefinition",
    };

    /// <summary>True when <paramref name="path"/> (a URL path, with or without a trailing slash) names a write operation.</summary>
    public static bool IsWrite(string? path)
    {
        var trimmed = (path ?? "").TrimEnd('/');
        return Names.Contains(Uri.UnescapeDataString(trimmed[(trimmed.LastIndexOf('/') + 1)..]));
    }
}
