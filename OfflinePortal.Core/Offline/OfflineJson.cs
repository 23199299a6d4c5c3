using System.Text.Json;
using System.Text.Json.Serialization;
using OfflinePortal.Core.ArcGis.Json;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.Offline;

/// <summary>
/// Writes and reads <see cref="EsriGeometry"/> as Esri JSON (<c>{"rings":…,"spatialReference":{…}}</c>,
/// <c>{"xmin":…}</c>, <c>{"x":…}</c>), through <see cref="EsriJson"/>, so that parameters and overrides keep their
/// geometries when they travel as JSON (job records, the package manifest).
/// </summary>
public sealed class EsriGeometryJsonConverter : JsonConverter<EsriGeometry>
{
    public override bool HandleNull => false;

    public override EsriGeometry? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A geometry must be an Esri JSON object.");
        }
        var geometry = EsriJson.ReadGeometry(ref reader)
            ?? throw new JsonException("The geometry holds no coordinates (Esri JSON point, multipoint, polyline, polygon or envelope expected).");
        return geometry;
    }

    public override void Write(Utf8JsonWriter writer, EsriGeometry value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        EsriJson.WriteGeometry(writer, value);
    }
}

/// <summary>
/// The JSON form of parameters and overrides: camelCase, enums as names, geometries as Esri JSON. The portal stores
/// jobs this way, the package manifest records the same text, and <see cref="OfflineMapJobRunner"/> reads it back.
/// </summary>
public static class OfflineJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize(GenerateOfflineMapParameters parameters) => JsonSerializer.Serialize(parameters, Options);

    public static string Serialize(GenerateOfflineMapParameterOverrides overrides) => JsonSerializer.Serialize(overrides, Options);

    /// <exception cref="ArgumentException">The text is not JSON of parameters (the message names what is wrong).</exception>
    public static GenerateOfflineMapParameters DeserializeParameters(string json) =>
        Deserialize<GenerateOfflineMapParameters>(json, "parameters");

    /// <exception cref="ArgumentException">The text is not JSON of overrides.</exception>
    public static GenerateOfflineMapParameterOverrides DeserializeOverrides(string json) =>
        Deserialize<GenerateOfflineMapParameterOverrides>(json, "overrides");

    private static T Deserialize<T>(string json, string what)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new ArgumentException($"The offline map {what} JSON is null.", nameof(json));
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The offline map {what} JSON cannot be read: {e.Message}", nameof(json), e);
        }
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            AllowTrailingCommas = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            RespectRequiredConstructorParameters = true,
        };
        options.Converters.Add(new EsriGeometryJsonConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
