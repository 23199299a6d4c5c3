using System.Globalization;
using System.Text.Json;

namespace OfflinePortal.Core.ArcGis.Json;

/// <summary>
/// Tolerant readers over <see cref="JsonElement"/> for ArcGIS answers: property names are matched ignoring case
/// (services send <c>supportsAsync</c> and <c>supportsASync</c>), numbers may arrive as strings, and a missing or
/// <c>null</c> property reads as "absent".
/// </summary>
internal static class JsonElementExtensions
{
    /// <summary>The property's value, or null when it is missing, JSON <c>null</c>, or <paramref name="element"/> is not an object.</summary>
    public static JsonElement? Prop(this JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        if (element.TryGetProperty(name, out var exact))
        {
            return exact.ValueKind == JsonValueKind.Null ? null : exact;
        }
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind == JsonValueKind.Null ? null : property.Value;
            }
        }
        return null;
    }

    public static bool Has(this JsonElement element, string name) => element.Prop(name) is not null;

    /// <summary>A string property; numbers and booleans are returned as their invariant text.</summary>
    public static string? Str(this JsonElement element, string name) => element.Prop(name) is { } value ? AsString(value) : null;

    /// <summary>Like <see cref="Str"/>, but an empty or blank string reads as null (e.g. <c>"globalIdField":""</c>).</summary>
    public static string? NonEmptyStr(this JsonElement element, string name) =>
        element.Str(name) is { } text && !string.IsNullOrWhiteSpace(text) ? text : null;

    public static long? Int64(this JsonElement element, string name) => element.Prop(name) is { } value ? AsInt64(value) : null;

    public static int? Int32(this JsonElement element, string name) =>
        element.Int64(name) is { } value && value is >= int.MinValue and <= int.MaxValue ? (int)value : null;

    public static double? Double(this JsonElement element, string name) => element.Prop(name) is { } value ? AsDouble(value) : null;

    /// <summary>A boolean property: <c>true</c>/<c>false</c>, the strings <c>"true"</c>/<c>"false"</c>, or 0/1. Missing reads as <paramref name="fallback"/>.</summary>
    public static bool Bool(this JsonElement element, string name, bool fallback = false) =>
        element.Prop(name) is { } value ? AsBoolean(value) ?? fallback : fallback;

    public static bool? BoolOrNull(this JsonElement element, string name) => element.Prop(name) is { } value ? AsBoolean(value) : null;

    /// <summary>Epoch milliseconds (number or numeric string) as a UTC instant.</summary>
    public static DateTimeOffset? EpochMs(this JsonElement element, string name) =>
        element.Int64(name) is { } ms && ms is > -62135596800000 and < 253402300800000 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    public static IReadOnlyList<string> StrArray(this JsonElement element, string name)
    {
        if (element.Prop(name) is not { ValueKind: JsonValueKind.Array } array)
        {
            return [];
        }
        var list = new List<string>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            if (AsString(item) is { } text)
            {
                list.Add(text);
            }
        }
        return list;
    }

    public static IEnumerable<JsonElement> Array(this JsonElement element, string name) =>
        element.Prop(name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    public static JsonElement? Obj(this JsonElement element, string name) =>
        element.Prop(name) is { ValueKind: JsonValueKind.Object } value ? value : null;

    public static string? AsString(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    public static long? AsInt64(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when value.TryGetInt64(out var l):
                return l;
            case JsonValueKind.Number when value.TryGetDouble(out var d) && System.Math.Abs(d) < 9.2e18 && d == System.Math.Floor(d):
                return (long)d;
            case JsonValueKind.String:
                var text = value.GetString();
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
                {
                    return parsed;
                }
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var pd) && System.Math.Abs(pd) < 9.2e18 && pd == System.Math.Floor(pd))
                {
                    return (long)pd;
                }
                return null;
            default:
                return null;
        }
    }

    public static double? AsDouble(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String => double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
        _ => null,
    };

    public static bool? AsBoolean(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => value.TryGetInt64(out var n) ? n != 0 : null,
        JsonValueKind.String => value.GetString()?.Trim().ToUpperInvariant() switch
        {
            "TRUE" or "1" or "YES" => true,
            "FALSE" or "0" or "NO" => false,
            _ => null,
        },
        _ => null,
    };

    /// <summary>A detached copy of a raw JSON part (drawingInfo, popupInfo …) that outlives its document.</summary>
    public static JsonElement? RawClone(this JsonElement element, string name) => element.Prop(name)?.Clone();
}
