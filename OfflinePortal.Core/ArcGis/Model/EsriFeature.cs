namespace OfflinePortal.Core.ArcGis.Model;

/// <summary>
/// A feature or table row as ArcGIS sends it. Attribute values are the JSON values read as CLR values:
/// <see cref="long"/> for integers, <see cref="double"/> for other numbers, <see cref="string"/>, <see cref="bool"/>, or null.
/// Dates stay epoch milliseconds (UTC), as on the wire.
/// </summary>
public sealed record EsriFeature(IReadOnlyDictionary<string, object?> Attributes, EsriGeometry? Geometry = null)
{
    /// <summary>Reads an attribute by name, ignoring case as ArcGIS does.</summary>
    public object? GetAttribute(string name)
    {
        if (Attributes.TryGetValue(name, out var value))
        {
            return value;
        }
        foreach (var pair in Attributes)
        {
            if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return pair.Value;
            }
        }
        return null;
    }
}
