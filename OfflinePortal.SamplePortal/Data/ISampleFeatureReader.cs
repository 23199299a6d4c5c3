using NetTopologySuite.Geometries;

namespace OfflinePortal.SamplePortal.Data;

/// <summary>A stored sample feature as renderers see it: geometry in Web Mercator (EPSG:3857) and its attributes.</summary>
public sealed record SampleFeature(long ObjectId, Geometry Geometry, IReadOnlyDictionary<string, object?> Attributes);

/// <summary>
/// Read access to the sample portal's features for the renderers (raster tiles, vector tiles, dynamic export).
/// Implemented over the sample portal's SQLite store, so tiles show the data as edited.
/// </summary>
public interface ISampleFeatureReader
{
    /// <summary>Features of <paramref name="serviceName"/>/<paramref name="layerId"/> whose envelope intersects the box (EPSG:3857).</summary>
    IAsyncEnumerable<SampleFeature> ReadAsync(string serviceName, int layerId, Envelope webMercatorExtent, CancellationToken cancellationToken);
}
