using System.Text.Json;
using System.Text.Json.Serialization;

namespace OfflinePortal.Core.Packaging;

/// <summary><c>package.json</c>: what an offline package holds and where it came from (format version 1).</summary>
public sealed record PackageManifest
{
    public const int CurrentFormatVersion = 1;
    public const string FileName = "package.json";

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    public required PackageItemInfo Item { get; init; }

    public required PackageSource Source { get; init; }

    public required DateTimeOffset CreatedUtc { get; init; }

    public string? CreatedBy { get; init; }

    /// <summary>The area of interest as a GeoJSON geometry or feature.</summary>
    public JsonElement? AreaOfInterest { get; init; }

    /// <summary>The parameters and overrides the job used, as the caller supplies them (opaque here).</summary>
    public JsonElement? Parameters { get; init; }

    public IReadOnlyList<PackageLayerEntry> Layers { get; init; } = [];

    public IReadOnlyList<PackageReplica> Replicas { get; init; } = [];

    /// <summary>Every file of the package except <c>package.json</c>; filled by <see cref="PackageManifestWriter"/>.</summary>
    public IReadOnlyList<PackageFileEntry> Files { get; init; } = [];
}

public sealed record PackageItemInfo
{
    public required string Title { get; init; }

    public string? Snippet { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];
}

public sealed record PackageSource
{
    public required string PortalUrl { get; init; }

    public required string WebMapId { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<PackageLayerStatus>))]
public enum PackageLayerStatus
{
    [JsonStringEnumMemberName("offline")]
    Offline,

    [JsonStringEnumMemberName("online-only")]
    OnlineOnly,

    [JsonStringEnumMemberName("omitted")]
    Omitted,

    [JsonStringEnumMemberName("failed")]
    Failed,
}

/// <summary>One operational layer, table or basemap layer of the web map and what became of it.</summary>
public sealed record PackageLayerEntry
{
    /// <summary>The web map's layer id.</summary>
    public required string Id { get; init; }

    public required string Title { get; init; }

    /// <summary>e.g. <c>feature-layer</c>, <c>table</c>, <c>tiled-layer</c>, <c>vector-tile-layer</c>.</summary>
    public required string Kind { get; init; }

    public required PackageLayerStatus Status { get; init; }

    /// <summary>Where the layer sits in the web map: <c>operational</c>, <c>table</c>, <c>basemap</c> or <c>basemap-reference</c>.</summary>
    public string? Role { get; init; }

    /// <summary>Why an online-only or omitted layer did not go offline.</summary>
    public string? Reason { get; init; }

    /// <summary>Package-relative path with forward slashes (<c>data/water.gpkg</c>).</summary>
    public string? File { get; init; }

    public string? Table { get; init; }

    public long? FeatureCount { get; init; }

    /// <summary>Tiles written, for tiled and vector tile layers.</summary>
    public long? TileCount { get; init; }

    public long? AttachmentCount { get; init; }

    /// <summary>
    /// Bytes of the layer's content: its tile file, or (feature layers and tables, which share their service's
    /// GeoPackage) the bytes of its values, geometries and attachments, without indexes and page overhead.
    /// </summary>
    public long? Bytes { get; init; }

    public string? Error { get; init; }
}

public sealed record PackageFileEntry(string Path, long Bytes, string Sha256);

/// <summary>The one JSON shape of every package file: camelCase, indented, nulls omitted.</summary>
public static class PackageJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
