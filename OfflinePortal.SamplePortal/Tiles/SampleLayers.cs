using System.Globalization;
using OfflinePortal.SamplePortal.Data;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>A layer of the sample water network as the map and vector tile services present it.</summary>
internal sealed record SampleLayer(int Id, string Name, string GeometryType, string VectorLayerName);

/// <summary>
/// The water network layers the renderers draw, with the ids of the sample feature service (the map services
/// mirror them) and the area the sample data covers.
/// </summary>
internal static class SampleLayers
{
    public const string FeatureServiceName = "WaterNetwork";

    public static SampleLayer Hydrants { get; } = new(0, "Hydrants", "esriGeometryPoint", "hydrants");

    public static SampleLayer Valves { get; } = new(1, "Valves", "esriGeometryPoint", "valves");

    public static SampleLayer Mains { get; } = new(2, "Mains", "esriGeometryPolyline", "water_mains");

    public static SampleLayer PressureZones { get; } = new(3, "PressureZones", "esriGeometryPolygon", "pressure_zones");

    /// <summary>By id.</summary>
    public static IReadOnlyList<SampleLayer> All { get; } = [Hydrants, Valves, Mains, PressureZones];

    /// <summary>Bottom to top: areas, then lines, then points.</summary>
    public static IReadOnlyList<SampleLayer> DrawingOrder { get; } = [PressureZones, Mains, Valves, Hydrants];

    /// <summary>The generated utility around Ashland, Oregon (WGS84), as the sample data generator lays it out.</summary>
    public static NetTopologySuite.Geometries.Envelope AreaGeographic { get; } = new(-122.745, -122.665, 42.165, 42.220);

    public static NetTopologySuite.Geometries.Envelope AreaWebMercator { get; } = WebMercator.FromGeographic(AreaGeographic);

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
