using System.Runtime.CompilerServices;
using NetTopologySuite.Geometries;

namespace OfflinePortal.SamplePortal.Data;

/// <summary>
/// <see cref="ISampleFeatureReader"/> over the store. Service names are those of the feature services
/// (<c>WaterNetwork</c> layers 0-2, <c>PressureZones</c> 0, <c>CriticalCustomers</c> 0); tables yield nothing.
/// Attribute values are as stored: strings, <see cref="long"/> for integers and dates (epoch ms, UTC), <see cref="double"/>.
/// </summary>
internal sealed class SampleFeatureReader(SampleStore store) : ISampleFeatureReader
{
    public async IAsyncEnumerable<SampleFeature> ReadAsync(string serviceName, int layerId, Envelope webMercatorExtent, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var layer = SampleSchema.FindService(serviceName)?.FindLayer(layerId)
            ?? throw new ArgumentException($"No layer {layerId} in sample service '{serviceName}'.", nameof(layerId));
        await store.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        if (layer.IsTable)
        {
            yield break;
        }
        using var conn = store.Open();
        var filter = new FeatureFilter { Geometry = EsriGeometryJson.Factory.ToGeometry(webMercatorExtent) };
        var count = 0;
        foreach (var (row, _) in FeatureQuery.Read(conn, layer, filter))
        {
            if ((++count & 0xFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            var attributes = new Dictionary<string, object?>(layer.Fields.Count, StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < layer.Fields.Count; i++)
            {
                attributes[layer.Fields[i].Name] = row.Values[i];
            }
            yield return new SampleFeature(row.ObjectId, row.Geometry!, attributes);
        }
    }
}
