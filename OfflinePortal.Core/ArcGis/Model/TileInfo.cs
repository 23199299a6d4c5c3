namespace OfflinePortal.Core.ArcGis.Model;

/// <summary>One level of detail of a tiling scheme.</summary>
public sealed record Lod(int Level, double Resolution, double Scale);

/// <summary>
/// A tiling scheme (<c>tileInfo</c> of a MapServer, ImageServer or VectorTileServer): tiles of
/// <see cref="Cols"/> × <see cref="Rows"/> pixels counted from <see cref="OriginX"/>, <see cref="OriginY"/> (top left),
/// rows growing downwards.
/// </summary>
public sealed record TileInfo(int Rows, int Cols, double OriginX, double OriginY, IReadOnlyList<Lod> Lods)
{
    public int Dpi { get; init; } = 96;

    /// <summary><c>PNG</c>, <c>PNG32</c>, <c>JPEG</c>, <c>MIXED</c>, <c>pbf</c> …</summary>
    public string Format { get; init; } = "PNG";

    public SpatialReference SpatialReference { get; init; } = SpatialReference.WebMercator;

    public Lod? FindLevel(int level) => Lods.FirstOrDefault(l => l.Level == level);

    /// <summary>Ground width of one tile at <paramref name="lod"/>, in map units.</summary>
    public double TileSpanX(Lod lod) => Cols * lod.Resolution;

    public double TileSpanY(Lod lod) => Rows * lod.Resolution;
}
