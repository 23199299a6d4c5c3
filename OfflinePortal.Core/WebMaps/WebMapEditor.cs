using System.Text.Json;
using System.Text.Json.Nodes;

namespace OfflinePortal.Core.WebMaps;

/// <summary>
/// A modifiable copy of a web map's JSON, for writing the offline <c>map.json</c>: change a layer's URL, remove
/// layers, set properties. Everything not touched is written back as it was (numbers keep their original text).
/// Layers are addressed by their <see cref="WebMapLayer.Id"/> as parsed, also after other layers were removed.
/// </summary>
public sealed class WebMapEditor
{
    private readonly WebMap _map;
    private readonly Dictionary<string, JsonObject> _layers = new(StringComparer.Ordinal);

    internal WebMapEditor(WebMap map)
    {
        _map = map;
        Root = JsonNode.Parse(map.Root.GetRawText(), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true })!.AsObject();
        // Resolve every layer's node before anything moves, so that removals do not shift later lookups.
        foreach (var layer in map.AllLayers)
        {
            JsonNode? node = Root;
            foreach (var (property, index) in layer.Path)
            {
                node = index < 0 ? node?[property] : node?[property]?[index];
            }
            if (node is JsonObject layerObject)
            {
                _layers[layer.Id] = layerObject;
            }
        }
    }

    /// <summary>The copy's root object, for changes this editor has no method for.</summary>
    public JsonObject Root { get; }

    /// <summary>The JSON object of a layer in the copy.</summary>
    /// <exception cref="KeyNotFoundException">No layer has this id (or it was removed).</exception>
    public JsonObject Layer(string layerId) =>
        _layers.TryGetValue(layerId, out var node) ? node : throw new KeyNotFoundException($"The web map has no layer '{layerId}'.");

    /// <summary>Points a layer at another URL (e.g. a local file), or removes its <c>url</c> when null.</summary>
    public WebMapEditor SetUrl(string layerId, string? url) => SetProperty(layerId, "url", url is null ? null : JsonValue.Create(url));

    /// <summary>Sets (or, with null, removes) a property of a layer.</summary>
    public WebMapEditor SetProperty(string layerId, string name, JsonNode? value)
    {
        var layer = Layer(layerId);
        if (value is null)
        {
            layer.Remove(name);
        }
        else
        {
            layer[name] = value.Parent is null ? value : value.DeepClone();
        }
        return this;
    }

    /// <summary>Removes a layer (with its children when it is a group) from wherever it sits.</summary>
    public WebMapEditor Remove(string layerId)
    {
        var node = Layer(layerId);
        if (node.Parent is JsonArray array)
        {
            array.Remove(node);
        }
        var removed = _map.FindLayer(layerId);
        _layers.Remove(layerId);
        if (removed is not null)
        {
            foreach (var child in Descendants(removed))
            {
                _layers.Remove(child.Id);
            }
        }
        return this;
    }

    /// <summary>Sets (or, with null, removes) a top-level property.</summary>
    public WebMapEditor SetRootProperty(string name, JsonNode? value)
    {
        if (value is null)
        {
            Root.Remove(name);
        }
        else
        {
            Root[name] = value.Parent is null ? value : value.DeepClone();
        }
        return this;
    }

    /// <summary>Writes the generated ids into the layers that had none, so that the copy's ids match the parsed ones.</summary>
    public WebMapEditor WriteGeneratedIds()
    {
        foreach (var layer in _map.AllLayers.Where(l => l.HasGeneratedId))
        {
            if (_layers.TryGetValue(layer.Id, out var node))
            {
                node["id"] = layer.Id;
            }
        }
        return this;
    }

    public string ToJsonString(bool indented = false) => Root.ToJsonString(new JsonSerializerOptions { WriteIndented = indented });

    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Root.WriteTo(writer);
    }

    private static IEnumerable<WebMapLayer> Descendants(WebMapLayer layer) =>
        layer.Children.SelectMany(child => Descendants(child).Prepend(child));
}
