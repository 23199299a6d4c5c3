using System.Globalization;
using OfflinePortal.SamplePortal.Data;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>
/// A layer of the map and vector tile services, and where its features live in the feature store
/// (<paramref name="Source"/>: the feature service layer it draws).
/// </summary>
internal sealed record SampleLayer(int Id, string Name, string VectorLayerName, string SourceService, LayerDef Source)
{
    public string GeometryType => Source.EsriGeometryType;

    public bool IsPoint => Source.Geometry == GeometryKind.Point;
}

/// <summary>
/// The water network layers the renderers draw, with the ids of the sample feature service (the map services
/// mirror them) and the area the sample data covers.
/// </summary>
internal static class SampleLayers
{
    public static SampleLayer Hydrants { get; } = new(0, "Hydrants", "hydrants", SampleSchema.WaterNetwork, SampleSchema.Hydrants);

    public static SampleLayer Valves { get; } = new(1, "Valves", "valves", SampleSchema.WaterNetwork, SampleSchema.Valves);

    public static SampleLayer Mains { get; } = new(2, "Mains", "water_mains", SampleSchema.WaterNetwork, SampleSchema.Mains);

    public static SampleLayer PressureZones { get; } = new(3, "PressureZones", "pressure_zones", SampleSchema.PressureZones, SampleSchema.Zones);

    /// <summary>By id.</summary>
    public static IReadOnlyList<SampleLayer> All { get; } = [Hydrants, Valves, Mains, PressureZones];

    /// <summary>Bottom to top: areas, then lines, then points.</summary>
    public static IReadOnlyList<SampleLayer> DrawingOrder { get; } = [PressureZones, Mains, Valves, Hydrants];

    /// <summary>The area the sample data generator fills (around Ashland, Oregon), in Web Mercator.</summary>
    public static NetTopologySuite.Geometries.Envelope AreaWebMercator { get; } = WebMercator.Project(
        new NetTopologySuite.Geometries.Envelope(SampleDataGenerator.MinLon, SampleDataGenerator.MaxLon, SampleDataGenerator.MinLat, SampleDataGenerator.MaxLat),
        WebMercator.Wgs84,
        WebMercator.LatestWkid);

    /// <summary>The main's nominal diameter in inches, from whichever attribute names it; 8 when unknown.</summary>
    public static double DiameterOf(SampleFeature feature)
    {
        foreach (var (key, value) in feature.Attributes)
        {
            if (key.Contains("diam", StringComparison.OrdinalIgnoreCase) && value is not null)
            {
                var number = value switch
                {
                    string text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : double.NaN,
                    IConvertible convertible => convertible.ToDouble(CultureInfo.InvariantCulture),
                    _ => double.NaN,
                };
                if (double.IsFinite(number) && number > 0)
                {
                    return number;
                }
            }
        }
        return 8;
    }
}
