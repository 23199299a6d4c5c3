using System.Text;
using System.Text.Json;

namespace OfflinePortal.Core.ArcGis.Json;

/// <summary>
/// Reuses attribute name strings between the features of one layer. Features of a layer list the same names in the
/// same order, so the name at each position is compared as bytes and only allocated when it differs.
/// </summary>
internal sealed class AttributeNameCache
{
    private const int MaxInterned = 4096;
    private readonly List<(byte[] Utf8, string Name)> _byPosition = [];
    private readonly Dictionary<string, string> _interned = new(StringComparer.Ordinal);

    public int Count => _byPosition.Count;

    /// <summary>The name of the property the reader is on, which is the <paramref name="index"/>-th of its object.</summary>
    public string Get(ref Utf8JsonReader reader, int index)
    {
        if (index < _byPosition.Count && !reader.ValueIsEscaped && !reader.HasValueSequence
            && reader.ValueSpan.SequenceEqual(_byPosition[index].Utf8))
        {
            return _byPosition[index].Name;
        }
        var name = reader.GetString()!;
        if (_interned.TryGetValue(name, out var interned))
        {
            name = interned;
        }
        else if (_interned.Count < MaxInterned)
        {
            _interned[name] = name;
        }
        var entry = (Encoding.UTF8.GetBytes(name), name);
        if (index < _byPosition.Count)
        {
            _byPosition[index] = entry;
        }
        else if (index == _byPosition.Count && index < MaxInterned)
        {
            _byPosition.Add(entry);
        }
        return name;
    }
}
