using System.Text.Json;
using System.Text.Json.Nodes;
using OfflinePortal.Core.ArcGis.Features;
using OfflinePortal.Core.ArcGis.Json;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.ArcGis.Tiles;

/// <summary>Reads <c>tileInfo</c> into the shared <see cref="TileInfo"/>.</summary>
public static class TileInfoParser
{
    /// <summary>Null when <paramref name="element"/> holds no usable tiling scheme (no rows/cols/origin/lods).</summary>
    public static TileInfo? Parse(JsonElement? element, SpatialReference? fallbackSpatialReference = null)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e)
        {
            return null;
        }
        var origin = e.Obj("origin");
        var lods = e.Array("lods")
            .Where(l => l.Int32("level") is not null && l.Double("resolution") is > 0)
            .Select(l => new Lod(l.Int32("level")!.Value, l.Double("resolution")!.Value, l.Double("scale") ?? 0))
            .OrderBy(l => l.Level)
            .ToList();
        if (e.Int32("rows") is not { } rows || e.Int32("cols") is not { } cols || origin?.Double("x") is not { } x || origin?.Double("y") is not { } y || lods.Count == 0)
        {
            return null;
        }
        return new TileInfo(rows, cols, x, y, lods)
        {
            Dpi = e.Int32("dpi") ?? 96,
            Format = e.Str("format") ?? "PNG",
            SpatialReference = EsriJson.ParseSpatialReference(e.Prop("spatialReference")) ?? fallbackSpatialReference ?? SpatialReference.WebMercator,
        };
    }
}

/// <summary>A MapServer or ImageServer root (<c>?f=json</c>), for tiled (cached) services.</summary>
public sealed record TiledServiceInfo
{
    public double? CurrentVersion { get; init; }

    public string? MapName { get; init; }

    public string? ServiceDescription { get; init; }

    public string? Description { get; init; }

    public string? CopyrightText { get; init; }

    public SpatialReference? SpatialReference { get; init; }

    /// <summary>The tiling scheme; null for a dynamic (uncached) service.</summary>
    public TileInfo? TileInfo { get; init; }

    /// <summary>True for a cached (tiled) service.</summary>
    public bool SingleFusedMapCache { get; init; }

    public bool ExportTilesAllowed { get; init; }

    /// <summary>The most tiles one exportTiles may produce (100000 when not stated).</summary>
    public long MaxExportTilesCount { get; init; } = 100_000;

    public string Capabilities { get; init; } = "";

    public EsriEnvelope? InitialExtent { get; init; }

    public EsriEnvelope? FullExtent { get; init; }

    public double MinScale { get; init; }

    public double MaxScale { get; init; }

    /// <summary><c>esriMapCacheStorageModeCompact</c>, <c>…CompactV2</c> or <c>…Exploded</c>, when stated.</summary>
    public string? StorageFormat { get; init; }

    public string? Units { get; init; }

    public IReadOnlyList<ServiceLayerReference> Layers { get; init; } = [];

    public JsonElement Raw { get; init; }

    /// <summary>Tiles can be read from the cache.</summary>
    public bool IsTiled => TileInfo is not null && SingleFusedMapCache;

    public bool HasCapability(string capability) =>
        Capabilities.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Contains(capability, StringComparer.OrdinalIgnoreCase);

    internal static TiledServiceInfo Parse(JsonElement root)
    {
        var sr = EsriJson.ParseSpatialReference(root.Prop("spatialReference"));
        var tileInfo = root.Obj("tileInfo");
        return new TiledServiceInfo
        {
            CurrentVersion = root.Double("currentVersion"),
            MapName = root.Str("mapName") ?? root.Str("name"),
            ServiceDescription = root.Str("serviceDescription"),
            Description = root.Str("description"),
            CopyrightText = root.Str("copyrightText"),
            SpatialReference = sr,
            TileInfo = TileInfoParser.Parse(tileInfo, sr),
            SingleFusedMapCache = root.Bool("singleFusedMapCache"),
            ExportTilesAllowed = root.Bool("exportTilesAllowed"),
            MaxExportTilesCount = root.Int64("maxExportTilesCount") is { } max and > 0 ? max : 100_000,
            Capabilities = root.Str("capabilities") ?? "",
            InitialExtent = EsriJson.ParseEnvelope(root.Prop("initialExtent")),
            FullExtent = EsriJson.ParseEnvelope(root.Prop("fullExtent")),
            MinScale = root.Double("minScale") ?? 0,
            MaxScale = root.Double("maxScale") ?? 0,
            StorageFormat = root.Obj("storageInfo")?.Str("storageFormat") ?? tileInfo?.Str("storageFormat"),
            Units = root.Str("units"),
            Layers = root.Array("layers").Where(l => l.ValueKind == JsonValueKind.Object).Select(l => ServiceLayerReference.Parse(l, false)).ToList(),
            Raw = root.Clone(),
        };
    }
}

/// <summary>A VectorTileServer root (<c>?f=json</c>).</summary>
public sealed record VectorTileServiceInfo
{
    public double? CurrentVersion { get; init; }

    public string? Name { get; init; }

    public string? CopyrightText { get; init; }

    public string Capabilities { get; init; } = "";

    /// <summary><c>indexedVector</c> or <c>indexedFlat</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The tiling scheme (512 px tiles, format <c>pbf</c>).</summary>
    public TileInfo? TileInfo { get; init; }

    /// <summary>Tile URL templates relative to the service, e.g. <c>tile/{z}/{y}/{x}.pbf</c>.</summary>
    public IReadOnlyList<string> TileTemplates { get; init; } = [];

    /// <summary>Folder of the default styles, relative to the service (usually <c>resources/styles</c>).</summary>
    public string? DefaultStyles { get; init; }

    public bool ExportTilesAllowed { get; init; }

    public long MaxExportTilesCount { get; init; } = 100_000;

    public EsriEnvelope? InitialExtent { get; init; }

    public EsriEnvelope? FullExtent { get; init; }

    public double MinScale { get; init; }

    public double MaxScale { get; init; }

    /// <summary><c>resourceInfo.tileCompression</c>, usually <c>gzip</c>.</summary>
    public string? TileCompression { get; init; }

    public int? StyleVersion { get; init; }

    public int? MinLod { get; init; }

    public int? MaxLod { get; init; }

    public int? MaxZoom { get; init; }

    public JsonElement Raw { get; init; }

    internal static VectorTileServiceInfo Parse(JsonElement root)
    {
        var resourceInfo = root.Obj("resourceInfo");
        var fullExtent = EsriJson.ParseEnvelope(root.Prop("fullExtent"));
        return new VectorTileServiceInfo
        {
            CurrentVersion = root.Double("currentVersion"),
            Name = root.Str("name"),
            CopyrightText = root.Str("copyrightText"),
            Capabilities = root.Str("capabilities") ?? "",
            Type = root.Str("type"),
            TileInfo = TileInfoParser.Parse(root.Obj("tileInfo"), fullExtent?.SpatialReference),
            TileTemplates = root.StrArray("tiles"),
            DefaultStyles = root.NonEmptyStr("defaultStyles"),
            ExportTilesAllowed = root.Bool("exportTilesAllowed"),
            MaxExportTilesCount = root.Int64("maxExportTilesCount") is { } max and > 0 ? max : 100_000,
            InitialExtent = EsriJson.ParseEnvelope(root.Prop("initialExtent")),
            FullExtent = fullExtent,
            MinScale = root.Double("minScale") ?? 0,
            MaxScale = root.Double("maxScale") ?? 0,
            TileCompression = resourceInfo?.Str("tileCompression"),
            StyleVersion = resourceInfo?.Int32("styleVersion"),
            MinLod = root.Int32("minLOD"),
            MaxLod = root.Int32("maxLOD"),
            MaxZoom = root.Int32("maxzoom"),
            Raw = root.Clone(),
        };
    }
}

/// <summary>A Mapbox GL style of a vector tile layer, with the URL its relative references resolve against.</summary>
public sealed record VectorTileStyle(Uri StyleUrl, JsonObject Style)
{
    /// <summary>The style's <c>sprite</c>, resolved against <see cref="StyleUrl"/>.</summary>
    public Uri? SpriteUrl => Resolve(Style["sprite"]?.GetValueKind() == JsonValueKind.String ? Style["sprite"]!.GetValue<string>() : null);

    /// <summary>The style's <c>glyphs</c> template (with <c>{fontstack}</c>/<c>{range}</c>), resolved.</summary>
    public string? GlyphsTemplate => Style["glyphs"]?.GetValueKind() == JsonValueKind.String
        ? ResolveTemplate(Style["glyphs"]!.GetValue<string>())
        : null;

    /// <summary>Resolves a URL of the style (<c>../sprites/sprite</c>, <c>../../</c> …) against <see cref="StyleUrl"/>.</summary>
    public Uri? Resolve(string? relative) =>
        string.IsNullOrWhiteSpace(relative) ? null : Uri.TryCreate(StyleUrl, relative, out var url) ? url : null;

    private string ResolveTemplate(string template)
    {
        // Uri escapes the braces of {fontstack}/{range}; resolve a placeholder-free form and put them back.
        var resolved = Resolve(template.Replace("{fontstack}", "FONTSTACK__", StringComparison.Ordinal).Replace("{range}", "RANGE__", StringComparison.Ordinal));
        return resolved is null ? template
            : resolved.OriginalString.Replace("FONTSTACK__", "{fontstack}", StringComparison.Ordinal).Replace("RANGE__", "{range}", StringComparison.Ordinal);
    }
}
