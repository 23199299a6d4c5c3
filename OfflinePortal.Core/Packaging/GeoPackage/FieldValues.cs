using System.Globalization;
using System.Text.Json;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.Packaging;

/// <summary>How ArcGIS field types map to GeoPackage column types and how wire values become stored values.</summary>
public static class FieldValues
{
    /// <summary>Longest declared text length written as <c>TEXT(n)</c>; longer (memo) fields are plain TEXT.</summary>
    public const int MaxDeclaredTextLength = 65535;

    /// <summary>The GeoPackage column type for a field, or null for fields that are not stored as columns (geometry).</summary>
    public static string? SqlType(EsriField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.Type switch
        {
            EsriFieldType.OID => "INTEGER",
            EsriFieldType.GlobalID or EsriFieldType.GUID => "TEXT(38)",
            EsriFieldType.String => field.Length is > 0 and <= MaxDeclaredTextLength
                ? "TEXT(" + field.Length.Value.ToString(CultureInfo.InvariantCulture) + ")"
                : "TEXT",
            EsriFieldType.SmallInteger => "SMALLINT",
            EsriFieldType.Integer => "MEDIUMINT",
            EsriFieldType.BigInteger => "INTEGER",
            EsriFieldType.Double => "DOUBLE",
            EsriFieldType.Single => "FLOAT",
            EsriFieldType.Date => "DATETIME",
            EsriFieldType.DateOnly => "DATE",
            EsriFieldType.TimeOnly or EsriFieldType.TimestampOffset => "TEXT",
            EsriFieldType.Blob => "BLOB",
            EsriFieldType.Geometry => null,
            _ => "TEXT",
        };
    }

    /// <summary>Epoch milliseconds (UTC) as the GeoPackage DATETIME text <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>.</summary>
    public static string FormatDateTime(long epochMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds).UtcDateTime
            .ToString(GeoPackageDatabase.TimestampFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// Converts a wire value (long, double, string, bool, byte[], JsonElement or null) for storage in a column of
    /// the field's type. Returns <see cref="DBNull.Value"/> for null and for values SQLite cannot store (NaN).
    /// </summary>
    /// <exception cref="FormatException">The value does not fit the field's type.</exception>
    public static object ToDbValue(EsriField field, object? value)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (value is JsonElement json)
        {
            value = FromJson(json);
        }
        if (value is null)
        {
            return DBNull.Value;
        }
        return field.Type switch
        {
            EsriFieldType.OID or EsriFieldType.SmallInteger or EsriFieldType.Integer or EsriFieldType.BigInteger => ToInteger(field, value),
            EsriFieldType.Double or EsriFieldType.Single => ToReal(field, value),
            EsriFieldType.Date => ToDateTime(field, value),
            EsriFieldType.DateOnly => value switch
            {
                long ms => FormatDateTime(ms)[..10],
                double ms when double.IsFinite(ms) => FormatDateTime((long)ms)[..10],
                _ => ToText(value),
            },
            EsriFieldType.Blob => value switch
            {
                byte[] bytes => bytes,
                string base64 => DecodeBase64(field, base64),
                _ => throw new FormatException($"Field {field.Name}: a blob value must be bytes or base64 text."),
            },
            _ => ToText(value),
        };
    }

    private static object? FromJson(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => json.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => json.TryGetInt64(out var l) ? l : json.GetDouble(),
        _ => json.GetRawText(),
    };

    private static object ToInteger(EsriField field, object value) => value switch
    {
        long l => l,
        int i => (long)i,
        short s => (long)s,
        bool b => b ? 1L : 0L,
        double d when double.IsNaN(d) => DBNull.Value,
        double d when d == Math.Floor(d) && d >= long.MinValue && d <= long.MaxValue => (long)d,
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
        string s when string.IsNullOrWhiteSpace(s) => DBNull.Value,
        _ => throw new FormatException($"Field {field.Name}: '{Convert.ToString(value, CultureInfo.InvariantCulture)}' is not an integer."),
    };

    private static object ToReal(EsriField field, object value) => value switch
    {
        double d => double.IsNaN(d) ? DBNull.Value : d,
        float f => float.IsNaN(f) ? DBNull.Value : (double)f,
        long l => (double)l,
        int i => (double)i,
        bool b => b ? 1.0 : 0.0,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => double.IsNaN(parsed) ? DBNull.Value : parsed,
        string s when string.IsNullOrWhiteSpace(s) => DBNull.Value,
        _ => throw new FormatException($"Field {field.Name}: '{Convert.ToString(value, CultureInfo.InvariantCulture)}' is not a number."),
    };

    private static object ToDateTime(EsriField field, object value) => value switch
    {
        long ms => FormatDateTime(ms),
        double ms when double.IsFinite(ms) => FormatDateTime((long)Math.Round(ms)),
        int ms => FormatDateTime(ms),
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) => FormatDateTime(ms),
        string s when DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed) =>
            parsed.UtcDateTime.ToString(GeoPackageDatabase.TimestampFormat, CultureInfo.InvariantCulture),
        string s when string.IsNullOrWhiteSpace(s) => DBNull.Value,
        _ => throw new FormatException($"Field {field.Name}: '{Convert.ToString(value, CultureInfo.InvariantCulture)}' is not a date."),
    };

    private static string ToText(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static byte[] DecodeBase64(EsriField field, string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException e)
        {
            throw new FormatException($"Field {field.Name}: a blob value is not valid base64.", e);
        }
    }
}
