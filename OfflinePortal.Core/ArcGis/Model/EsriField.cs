using System.Text.Json;

namespace OfflinePortal.Core.ArcGis.Model;

/// <summary>Field types as ArcGIS names them (<c>esriFieldTypeOID</c> …).</summary>
public enum EsriFieldType
{
    Unknown,
    OID,
    GlobalID,
    GUID,
    String,
    Integer,
    SmallInteger,
    BigInteger,
    Double,
    Single,
    Date,
    DateOnly,
    TimeOnly,
    TimestampOffset,
    Geometry,
    Blob,
    Raster,
    XML,
}

/// <summary>A field of a layer or table, as the service describes it.</summary>
public sealed record EsriField(string Name, EsriFieldType Type)
{
    public string? Alias { get; init; }

    public int? Length { get; init; }

    public bool Nullable { get; init; } = true;

    public bool Editable { get; init; } = true;

    /// <summary>The raw <c>domain</c> object (coded values or range), kept as the service sent it.</summary>
    public JsonElement? Domain { get; init; }

    public JsonElement? DefaultValue { get; init; }

    public static EsriFieldType ParseType(string? name)
    {
        const string prefix = "esriFieldType";
        if (string.IsNullOrWhiteSpace(name))
        {
            return EsriFieldType.Unknown;
        }
        var span = name.Trim();
        if (span.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            span = span[prefix.Length..];
        }
        return Enum.TryParse<EsriFieldType>(span, ignoreCase: true, out var type) ? type : EsriFieldType.Unknown;
    }

    public static string ToWireName(EsriFieldType type) => "esriFieldType" + type switch
    {
        EsriFieldType.OID => "OID",
        EsriFieldType.GlobalID => "GlobalID",
        EsriFieldType.GUID => "GUID",
        EsriFieldType.XML => "XML",
        _ => type.ToString(),
    };
}
