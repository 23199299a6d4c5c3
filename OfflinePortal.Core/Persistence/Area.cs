namespace OfflinePortal.Core.Persistence;

/// <summary>An area of interest drawn for a crew on a web map; jobs snapshot it when they are created.</summary>
public sealed class Area
{
    public int Id { get; set; }

    public required string Name { get; set; }

    /// <summary>Portal item id of the web map the area belongs to.</summary>
    public required string WebMapId { get; set; }

    public string? WebMapTitle { get; set; }

    public int? CrewId { get; set; }

    public Crew? Crew { get; set; }

    /// <summary>The geometry as a GeoJSON Polygon or MultiPolygon in WGS84 (normalised by <c>AreaValidator</c>).</summary>
    public required string GeoJson { get; set; }

    public double MinX { get; set; }

    public double MinY { get; set; }

    public double MaxX { get; set; }

    public double MaxY { get; set; }

    public DateTime CreatedUtc { get; set; }

    public required string CreatedBy { get; set; }

    public DateTime UpdatedUtc { get; set; }

    public required string UpdatedBy { get; set; }
}
