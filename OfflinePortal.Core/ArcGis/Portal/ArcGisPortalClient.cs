using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OfflinePortal.Core.ArcGis.Http;
using OfflinePortal.Core.WebMaps;

namespace OfflinePortal.Core.ArcGis.Portal;

/// <summary>
/// The portal (sharing) API: <c>info</c>, <c>generateToken</c>, <c>portals/self</c>, <c>search</c>, items, item data
/// (web maps) and thumbnails. Portal URLs may be given in any usual form (<see cref="ArcGisUrl.NormalizePortalUrl"/>).
/// </summary>
public sealed class ArcGisPortalClient
{
    private readonly ArcGisHttp _http;

    public ArcGisPortalClient(HttpClient httpClient, IOptions<ArcGisClientOptions> options, TimeProvider timeProvider, ILogger<ArcGisPortalClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = new ArcGisHttp(httpClient, options.Value, timeProvider, logger);
    }

    /// <summary><c>GET /info</c>: the token service and whether the portal uses token security.</summary>
    public async Task<PortalInfo> GetInfoAsync(Uri portalUrl, CancellationToken cancellationToken = default)
    {
        var sharing = ArcGisUrl.NormalizePortalUrl(portalUrl);
        using var response = await _http.SendJsonAsync(new ArcGisRequest(ArcGisUrl.Append(sharing, "info"), "info"), cancellationToken).ConfigureAwait(false);
        return PortalInfo.Parse(response.Root);
    }

    /// <summary>
    /// <c>POST generateToken</c> at the token service the portal's <c>info</c> names. Failure (wrong password) throws an
    /// <see cref="ArcGisServiceException"/> with the portal's message.
    /// </summary>
    public Task<ArcGisToken> GenerateTokenAsync(Uri portalUrl, string username, string password, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(username);
        ArgumentException.ThrowIfNullOrEmpty(password);
        return _http.GenerateTokenAsync(portalUrl, username, password, cancellationToken);
    }

    /// <summary><c>GET /portals/self</c>: the organisation and, with a credential, the signed-in user.</summary>
    public async Task<PortalSelf> GetPortalSelfAsync(Uri portalUrl, ArcGisCredential? credential = null, CancellationToken cancellationToken = default)
    {
        var sharing = ArcGisUrl.NormalizePortalUrl(portalUrl);
        var request = new ArcGisRequest(ArcGisUrl.Append(sharing, "portals/self"), "portals/self") { Credential = credential ?? ArcGisCredential.Anonymous };
        using var response = await _http.SendJsonAsync(request, cancellationToken).ConfigureAwait(false);
        return PortalSelf.Parse(response.Root);
    }

    /// <summary><c>GET /search</c>: one page of results, with <c>total</c> and <c>nextStart</c> (-1 on the last page).</summary>
    public async Task<PortalSearchPage> SearchAsync(Uri portalUrl, PortalSearchRequest search, ArcGisCredential? credential = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentException.ThrowIfNullOrWhiteSpace(search.Query, nameof(search));
        var sharing = ArcGisUrl.NormalizePortalUrl(portalUrl);
        var request = new ArcGisRequest(ArcGisUrl.Append(sharing, "search"), "search")
        {
            Credential = credential ?? ArcGisCredential.Anonymous,
            AllowPostFallback = true,
        }
            .Add("q", search.Query)
            .Add("start", Math.Max(1, search.Start))
            .Add("num", Math.Clamp(search.Num, 1, 100));
        if (search.SortField != PortalSortField.Relevance)
        {
            request.Add("sortField", SortFieldName(search.SortField)).Add("sortOrder", search.Descending ? "desc" : "asc");
        }
        if (search.BoundingBox is { IsEmpty: false } box)
        {
            request.Add("bbox", string.Join(",", new[] { box.XMin, box.YMin, box.XMax, box.YMax }.Select(ArcGisUrl.FormatInvariant)));
        }
        if (search.AdditionalParameters is not null)
        {
            foreach (var (name, value) in search.AdditionalParameters)
            {
                request.Add(name, value);
            }
        }
        using var response = await _http.SendJsonAsync(request, cancellationToken).ConfigureAwait(false);
        return PortalSearchPage.Parse(response.Root);
    }

    /// <summary>One page of web maps (excluding web mapping applications) matching <paramref name="criteria"/>.</summary>
    public Task<PortalSearchPage> SearchWebMapsAsync(Uri portalUrl, WebMapSearchCriteria criteria, ArcGisCredential? credential = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        var request = new PortalSearchRequest(BuildWebMapQuery(criteria))
        {
            SortField = criteria.SortField,
            Descending = criteria.Descending,
            Start = criteria.Start,
            Num = criteria.Num,
        };
        return SearchAsync(portalUrl, request, credential, cancellationToken);
    }

    /// <summary>Every result of a search, page after page (following <c>nextStart</c>) until the last one.</summary>
    public async IAsyncEnumerable<PortalItem> SearchAllAsync(Uri portalUrl, PortalSearchRequest search, ArcGisCredential? credential = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        var next = search;
        var seen = 0;
        while (true)
        {
            var page = await SearchAsync(portalUrl, next, credential, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Results)
            {
                yield return item;
            }
            seen += page.Results.Count;
            // nextStart must move forward; a portal that repeats a page would otherwise loop forever.
            if (!page.HasMore || page.NextStart <= next.Start || page.Results.Count == 0 || seen >= page.Total)
            {
                yield break;
            }
            next = next with { Start = page.NextStart };
        }
    }

    /// <summary>The search expression for web maps: <c>type:"Web Map" -type:"Web Mapping Application"</c> plus the criteria.</summary>
    public static string BuildWebMapQuery(WebMapSearchCriteria criteria)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        var query = new StringBuilder("type:\"Web Map\" -type:\"Web Mapping Application\"");
        if (!string.IsNullOrWhiteSpace(criteria.Text))
        {
            query.Append(" AND (").Append(criteria.Text.Trim()).Append(')');
        }
        if (!string.IsNullOrWhiteSpace(criteria.Owner))
        {
            query.Append(" AND owner:").Append(Quote(criteria.Owner));
        }
        foreach (var tag in criteria.Tags.Where(t => !string.IsNullOrWhiteSpace(t)))
        {
            query.Append(" AND tags:").Append(Quote(tag));
        }
        if (!string.IsNullOrWhiteSpace(criteria.OrgId))
        {
            query.Append(" AND orgid:").Append(Quote(criteria.OrgId));
        }
        if (!string.IsNullOrWhiteSpace(criteria.GroupId))
        {
            query.Append(" AND group:").Append(Quote(criteria.GroupId));
        }
        if (criteria.OfflineEnabledOnly)
        {
            query.Append(" AND typekeywords:\"Offline\"");
        }
        return query.ToString();

        static string Quote(string value) => "\"" + value.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary><c>GET /content/items/{id}</c>.</summary>
    public async Task<PortalItem> GetItemAsync(Uri portalUrl, string itemId, ArcGisCredential? credential = null, CancellationToken cancellationToken = default)
    {
        var request = new ArcGisRequest(ItemUrl(portalUrl, itemId), "item") { Credential = credential ?? ArcGisCredential.Anonymous };
        using var response = await _http.SendJsonAsync(request, cancellationToken).ConfigureAwait(false);
        var item = PortalItem.Parse(response.Root);
        if (string.IsNullOrEmpty(item.Id) && string.IsNullOrEmpty(item.Type))
        {
            throw new ArcGisProtocolException($"The answer of {ArcGisUrl.Redact(response.Url)} is not a portal item (no id, no type).", response.Url);
        }
        return item;
    }

    /// <summary><c>GET /content/items/{id}/data</c> as JSON (a web map, or another JSON item's data), detached from the answer.</summary>
    public async Task<JsonElement> GetItemDataAsync(Uri portalUrl, string itemId, ArcGisCredential? credential = null, CancellationToken cancellationToken = default)
    {
        var request = new ArcGisRequest(ArcGisUrl.Append(ItemUrl(portalUrl, itemId), "data"), "item data") { Credential = credential ?? ArcGisCredential.Anonymous };
        using var response = await _http.SendJsonAsync(request, cancellationToken).ConfigureAwait(false);
        return response.Root.Clone();
    }

    /// <summary>The item's data streamed, for items whose data is a file.</summary>
    public async Task<ArcGisDownload> OpenItemDataAsync(Uri portalUrl, string itemId, ArcGisCredential? credential = null, CancellationToken cancellationToken = default)
    {
        var request = new ArcGisRequest(ArcGisUrl.Append(ItemUrl(portalUrl, itemId), "data"), "item data")
        {
            Credential = credential ?? ArcGisCredential.Anonymous,
            AddFormatJson = false,
        };
        return await _http.OpenAsync(request, ContentExpectation.Any, cancellationToken).ConfigureAwait(false)
            ?? throw new ArcGisServiceException(404, "Item data not found.", requestUrl: request.Url.OriginalString, httpStatus: 404);
    }

    /// <summary>The web map of a "Web Map" item, parsed.</summary>
    /// <exception cref="WebMapFormatException">The item's data is not a usable web map.</exception>
    public async Task<WebMap> GetWebMapAsync(Uri portalUrl, string itemId, ArcGisCredential? credential = null, CancellationToken cancellationToken = default)
    {
        var request = new ArcGisRequest(ArcGisUrl.Append(ItemUrl(portalUrl, itemId), "data"), "web map") { Credential = credential ?? ArcGisCredential.Anonymous };
        using var response = await _http.SendJsonAsync(request, cancellationToken).ConfigureAwait(false);
        return WebMap.Parse(response.Body.Span);
    }

    /// <summary>
    /// The item's thumbnail (<c>/content/items/{id}/info/{thumbnail}</c>) streamed; null when the item has none or the
    /// portal no longer has the file.
    /// </summary>
    public async Task<ArcGisDownload?> OpenThumbnailAsync(Uri portalUrl, PortalItem item, ArcGisCredential? credential = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (string.IsNullOrWhiteSpace(item.Thumbnail))
        {
            return null;
        }
        var path = string.Join('/', item.Thumbnail.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.EscapeDataString));
        var request = new ArcGisRequest(ArcGisUrl.Append(ItemUrl(portalUrl, item.Id), "info/" + path), "thumbnail")
        {
            Credential = credential ?? ArcGisCredential.Anonymous,
            AddFormatJson = false,
            NotFoundAsNull = true,
        };
        return await _http.OpenAsync(request, ContentExpectation.Binary, cancellationToken).ConfigureAwait(false);
    }

    private static Uri ItemUrl(Uri portalUrl, string itemId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(itemId);
        if (itemId.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_')))
        {
            throw new ArgumentException($"'{itemId}' is not a portal item id.", nameof(itemId));
        }
        return ArcGisUrl.Append(ArcGisUrl.NormalizePortalUrl(portalUrl), "content/items/" + itemId);
    }

    private static string SortFieldName(PortalSortField field) => field switch
    {
        PortalSortField.NumViews => "numViews",
        PortalSortField.AvgRating => "avgRating",
        PortalSortField.NumComments => "numComments",
        _ => field.ToString().ToLower(CultureInfo.InvariantCulture),
    };
}
