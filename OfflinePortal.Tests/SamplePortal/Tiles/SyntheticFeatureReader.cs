using System.Runtime.CompilerServices;
using NetTopologySuite.Geometries;
using OfflinePortal.SamplePortal.Data;

namespace OfflinePortal.Tests.SamplePortal.Tiles;

/// <summary>
/// A small deterministic water network in the sample area (Web Mercator), answering envelope queries like the
/// real store does. Stands in only where a test needs known geometry; HTTP tests use the real store when present.
/// </summary>
internal sealed class SyntheticFeatureReader : ISampleFeatureReader
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 3857);

    private readonly Dictionary<(string Service, int Layer), List<SampleFeature>> _layers = [];

    public SyntheticFeatureReader()
    {
        // the centre of the sample area, and a 4 km square around it.
        var (cx, cy) = (-13659458.0, 5189858.0);
        long id = 1;
        _layers[("PressureZones", 0)] =
        [
            Feature(id++, Factory.CreatePolygon([new(cx - 2000, cy - 2000), new(cx, cy - 2000), new(cx, cy + 2000), new(cx - 2000, cy + 2000), new(cx - 2000, cy - 2000)]), ("ZONE", "Low")),
            Feature(id++, Factory.CreatePolygon(
                Factory.CreateLinearRing([new(cx, cy - 2000), new(cx + 2000, cy - 2000), new(cx + 2000, cy + 2000), new(cx, cy + 2000), new(cx, cy - 2000)]),
                [Factory.CreateLinearRing([new(cx + 500, cy - 500), new(cx + 500, cy + 500), new(cx + 1500, cy + 500), new(cx + 1500, cy - 500), new(cx + 500, cy - 500)])]), ("ZONE", "High")),
        ];
        var mains = new List<SampleFeature>();
        var hydrants = new List<SampleFeature>();
        var valves = new List<SampleFeature>();
        for (var i = -10; i <= 10; i++)
        {
            var offset = i * 200.0;
            mains.Add(Feature(id++, Factory.CreateLineString([new(cx - 2000, cy + offset), new(cx, cy + offset + 37), new(cx + 2000, cy + offset)]), ("DIAMETER", (short)(i % 2 == 0 ? 12 : 6)), ("MATERIAL", "DIP")));
            mains.Add(Feature(id++, Factory.CreateLineString([new(cx + offset, cy - 2000), new(cx + offset, cy + 2000)]), ("DIAMETER", (short)8), ("MATERIAL", "PVC")));
            for (var j = -10; j <= 10; j += 2)
            {
                hydrants.Add(Feature(id++, Factory.CreatePoint(new Coordinate(cx + offset + 20, cy + (j * 200.0) + 20)), ("STATUS", "In Service"), ("FLOW_GPM", 1250.5)));
                valves.Add(Feature(id++, Factory.CreatePoint(new Coordinate(cx + offset, cy + (j * 200.0))), ("TURNS", 12), ("NORMALLY_OPEN", true)));
            }
        }
        _layers[("WaterNetwork", 2)] = mains;
        _layers[("WaterNetwork", 1)] = valves;
        _layers[("WaterNetwork", 0)] = hydrants;
    }

    public static Envelope Core { get; } = new(-13661458, -13657458, 5187858, 5191858);

    public int Reads { get; private set; }

    public IReadOnlyList<SampleFeature> Layer(string service, int id) => _layers[(service, id)];

    public async IAsyncEnumerable<SampleFeature> ReadAsync(string serviceName, int layerId, Envelope webMercatorExtent, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Reads++;
        await Task.Yield();
        foreach (var feature in _layers.GetValueOrDefault((serviceName, layerId)) ?? throw new ArgumentException($"No layer {serviceName}/{layerId}."))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (feature.Geometry.EnvelopeInternal.Intersects(webMercatorExtent))
            {
                yield return feature;
            }
        }
    }

    private static SampleFeature Feature(long id, Geometry geometry, params (string Key, object? Value)[] attributes)
    {
        var dictionary = new Dictionary<string, object?> { ["OBJECTID"] = id };
        foreach (var (key, value) in attributes)
        {
            dictionary[key] = value;
        }
        return new SampleFeature(id, geometry, dictionary);
    }
}
