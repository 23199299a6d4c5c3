using System.Globalization;
using System.Text.RegularExpressions;

namespace OfflinePortal.Core.ArcGis;

/// <summary>Kinds of ArcGIS Server services, as the last segment of a service URL names them.</summary>
public enum ArcGisServiceType
{
    Unknown,
    FeatureServer,
    MapServer,
    ImageServer,
    VectorTileServer,
    SceneServer,
    StreamServer,
    GPServer,
    GeocodeServer,
    NAServer,
    GeometryServer,
}

/// <summary>
/// A service URL split into the service root and an optional layer id: <c>…/FeatureServer/3</c> gives
/// <c>…/FeatureServer</c> and 3; <c>…/MapServer</c> gives itself and no layer.
/// </summary>
/// <param name="ServiceUrl">The service root, without trailing slash and without query string.</param>
/// <param name="ServiceType">The kind of service named in the URL.</param>
/// <param name="LayerId">The layer or table id when the URL points at one.</param>
public sealed partial record ArcGisServiceUrl(Uri ServiceUrl, ArcGisServiceType ServiceType, int? LayerId)
{
    /// <summary>The layer URL (<c>{service}/{layerId}</c>), or the service URL when there is no layer.</summary>
    public Uri Url => LayerId is { } id ? ArcGisUrl.Append(ServiceUrl, id.ToString(CultureInfo.InvariantCulture)) : ServiceUrl;

    /// <summary>Splits an ArcGIS REST service URL; null when the URL does not name a known service type.</summary>
    public static ArcGisServiceUrl? TryParse(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            return null;
        }
        return TryParse(uri);
    }

    public static ArcGisServiceUrl? TryParse(Uri? url)
    {
        if (url is null || !url.IsAbsoluteUri)
        {
            return null;
        }
        var withoutQuery = ArcGisUrl.WithoutQuery(url).OriginalString;
        var match = ServicePattern().Match(withoutQuery);
        if (!match.Success || !Enum.TryParse<ArcGisServiceType>(match.Groups["type"].Value, ignoreCase: true, out var type))
        {
            return null;
        }
        int? layerId = match.Groups["layer"].Success
            && int.TryParse(match.Groups["layer"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
        return new ArcGisServiceUrl(new Uri(match.Groups["service"].Value, UriKind.Absolute), type, layerId);
    }

    [GeneratedRegex(@"^(?<service>.+?/(?<type>FeatureServer|MapServer|ImageServer|VectorTileServer|SceneServer|StreamServer|GPServer|GeocodeServer|NAServer|GeometryServer))(?:/(?<layer>\d+))?(?:/.*)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ServicePattern();
}
