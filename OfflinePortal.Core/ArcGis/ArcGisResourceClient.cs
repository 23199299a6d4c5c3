using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OfflinePortal.Core.ArcGis.Http;

namespace OfflinePortal.Core.ArcGis;

/// <summary>
/// Reads any ArcGIS REST resource (a query, a tile, an exported image, a service description) as served, with the
/// server's credential added where it belongs: the pass-through behind the portal's map preview proxy. The caller
/// decides which URLs may be read; this client only sends, retries transient failures and streams the answer.
/// </summary>
public sealed class ArcGisResourceClient
{
    private readonly ArcGisHttp _http;

    public ArcGisResourceClient(HttpClient httpClient, IOptions<ArcGisClientOptions> options, TimeProvider timeProvider, ILogger<ArcGisResourceClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = new ArcGisHttp(httpClient, options.Value, timeProvider, logger);
    }

    /// <summary>
    /// Sends <paramref name="parameters"/> to <paramref name="url"/> (a URL without query string) as a GET query or a
    /// POST form, adding the credential's token when the credential applies to the URL, and streams the answer. Null when
    /// the resource does not exist (404). Error envelopes and HTTP errors throw the usual <see cref="ArcGisException"/>s.
    /// Parameters named <c>token</c> are never sent: the only token is the credential's.
    /// </summary>
    public async Task<ArcGisDownload?> OpenAsync(Uri url, HttpMethod method, IEnumerable<KeyValuePair<string, string?>> parameters,
        ArcGisCredential? credential = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(parameters);
        if (method != HttpMethod.Get && method != HttpMethod.Post)
        {
            throw new ArgumentException("Only GET and POST are passed through.", nameof(method));
        }
        var request = new ArcGisRequest(ArcGisUrl.WithoutQuery(url), "resource")
        {
            Method = method,
            Credential = credential ?? ArcGisCredential.Anonymous,
            AddFormatJson = false,
            NotFoundAsNull = true,
        }.AddRange(parameters.Where(p => !IsTokenParameter(p.Key)));
        return await _http.OpenAsync(request, ContentExpectation.Any, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True for a parameter that carries a token (<c>token</c>, in any case).</summary>
    public static bool IsTokenParameter(string name) => string.Equals(name?.Trim(), "token", StringComparison.OrdinalIgnoreCase);
}
