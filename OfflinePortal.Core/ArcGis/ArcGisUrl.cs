using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace OfflinePortal.Core.ArcGis;

/// <summary>URL helpers shared by the ArcGIS clients: secret redaction, query composition and path joining.</summary>
public static partial class ArcGisUrl
{
    /// <summary>
    /// The URL with the values of secret query parameters (<c>token</c>, <c>password</c>, API keys …) replaced by
    /// <c>***</c>. Every URL that goes into a message, a log line or an exception passes through here.
    /// </summary>
    public static string Redact(string? url) => string.IsNullOrEmpty(url) ? "" : SecretParameter().Replace(url, "$1***");

    public static string Redact(Uri? url) => url is null ? "" : Redact(url.OriginalString);

    /// <summary>Removes every occurrence of the given secrets from a text (for messages echoed by a server).</summary>
    internal static string Scrub(string text, params ReadOnlySpan<string?> secrets)
    {
        var result = Redact(text);
        foreach (var secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret) && secret.Length >= 4)
            {
                result = result.Replace(secret, "***", StringComparison.Ordinal);
            }
        }
        return result;
    }

    /// <summary>
    /// Appends query parameters, replacing ones of the same name (ignoring case) already in the URL. Values are
    /// escaped; null values are left out.
    /// </summary>
    public static Uri WithQuery(Uri url, IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        ArgumentNullException.ThrowIfNull(url);
        var replaced = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var added = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in parameters)
        {
            if (value is not null)
            {
                replaced.Add(name);
                added.Add(new(name, value));
            }
        }
        var text = url.OriginalString;
        var fragmentAt = text.IndexOf('#', StringComparison.Ordinal);
        if (fragmentAt >= 0)
        {
            text = text[..fragmentAt];
        }
        var queryAt = text.IndexOf('?', StringComparison.Ordinal);
        var builder = new StringBuilder(queryAt >= 0 ? text[..queryAt] : text);
        var separator = '?';
        if (queryAt >= 0)
        {
            foreach (var part in text[(queryAt + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var name = Uri.UnescapeDataString(part.Split('=', 2)[0]);
                if (!replaced.Contains(name))
                {
                    builder.Append(separator).Append(part);
                    separator = '&';
                }
            }
        }
        foreach (var (name, value) in added)
        {
            builder.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }
        return new Uri(builder.ToString(), UriKind.Absolute);
    }

    /// <summary>The query parameters of a URL (unescaped), in order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseQuery(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var query = url.IsAbsoluteUri ? url.Query : "";
        var list = new List<KeyValuePair<string, string>>();
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2);
            list.Add(new(Unescape(pair[0]), pair.Length > 1 ? Unescape(pair[1]) : ""));
        }
        return list;

        static string Unescape(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
    }

    /// <summary>
    /// <paramref name="baseUrl"/> with <paramref name="relativePath"/> appended as path segments (never replacing the
    /// last segment, unlike <see cref="Uri(Uri, string)"/>). The base URL's query string is kept.
    /// </summary>
    public static Uri Append(Uri baseUrl, string relativePath)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var text = baseUrl.OriginalString;
        var queryAt = text.IndexOfAny(['?', '#']);
        var path = queryAt >= 0 ? text[..queryAt] : text;
        var query = queryAt >= 0 ? text[queryAt..] : "";
        return new Uri(path.TrimEnd('/') + "/" + relativePath.TrimStart('/') + query, UriKind.Absolute);
    }

    /// <summary>The URL without query string and fragment, and without a trailing slash.</summary>
    public static Uri WithoutQuery(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var text = url.OriginalString;
        var queryAt = text.IndexOfAny(['?', '#']);
        return new Uri((queryAt >= 0 ? text[..queryAt] : text).TrimEnd('/'), UriKind.Absolute);
    }

    /// <summary>
    /// The portal's sharing API root (<c>…/sharing/rest</c>) for any of the URLs people paste:
    /// <c>https://www.arcgis.com</c>, <c>https://org.maps.arcgis.com/home</c>, <c>https://host/portal</c>,
    /// <c>https://host/portal/sharing</c> or the sharing root itself.
    /// </summary>
    public static Uri NormalizePortalUrl(Uri portalUrl)
    {
        ArgumentNullException.ThrowIfNull(portalUrl);
        if (!portalUrl.IsAbsoluteUri || (portalUrl.Scheme != Uri.UriSchemeHttp && portalUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The portal URL must be an absolute http(s) URL: '{Redact(portalUrl)}'.", nameof(portalUrl));
        }
        var path = WithoutQuery(portalUrl).AbsolutePath.TrimEnd('/');
        var sharingAt = path.IndexOf("/sharing", StringComparison.OrdinalIgnoreCase);
        if (sharingAt >= 0)
        {
            path = path[..sharingAt];
        }
        else if (path.EndsWith("/home", StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^"/home".Length];
        }
        var builder = new UriBuilder(portalUrl.Scheme, portalUrl.Host, portalUrl.Port, path + "/sharing/rest");
        return builder.Uri;
    }

    internal static string FormatInvariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"([?&;](?:token|password|access_token|refresh_token|api_key|apikey|key|client_secret)=)[^&#\s""']*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretParameter();
}
