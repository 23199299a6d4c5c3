using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OfflinePortal.Core.ArcGis.Http;
using OfflinePortal.Core.ArcGis.Json;

namespace OfflinePortal.Core.ArcGis.Tiles;

/// <summary>
/// A VectorTileServer: service description, style, tiles and style resources. This client never decompresses:
/// tiles arrive gzip-compressed as the server keeps them and are handed on unchanged.
/// </summary>
public sealed class VectorTileServiceClient
{
    private const string DefaultTileTemplate = "tile/{z}/{y}/{x}.pbf";
    private readonly ArcGisHttp _http;

    public VectorTileServiceClient(HttpClient httpClient, IOptions<ArcGisClientOptions> options, TimeProvider timeProvider, ILogger<VectorTileServiceClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = new ArcGisHttp(httpClient, options.Value, timeProvider, logger);
    }

    /// <summary>The service root: tiling scheme (512 px), export permission and limits, tile templates.</summary>
    public async Task<VectorTileServiceInfo> GetServiceInfoAsync(Uri serviceUrl, ArcGisCredential? credential = null, CancellationToken cancellationToken = default)
    {
        var request = new ArcGisRequest(serviceUrl, "service info") { Credential = credential ?? ArcGisCredential.Anonymous };
        using var response = await _http.SendJsonAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Root.ValueKind != JsonValueKind.Object || !response.Root.Has("tileInfo"))
        {
            throw new ArcGisProtocolException($"The answer of {ArcGisUrl.Redact(response.Url)} is not a vector tile service description.", response.Url);
        }
        return VectorTileServiceInfo.Parse(response.Root);
    }

    /// <summary>
    /// The style: <paramref name="styleUrl"/> when given (a web map's <c>styleUrl</c>, possibly an item resource),
    /// otherwise <c>{service}/resources/styles/root.json</c>.
    /// </summary>
    public async Task<VectorTileStyle> GetStyleAsync(Uri serviceUrl, Uri? styleUrl = null, ArcGisCredential? credential = null,
        CancellationToken cancellationToken = default)
    {
        var url = styleUrl ?? ArcGisUrl.Append(serviceUrl, "resources/styles/root.json");
        var request = new ArcGisRequest(url, "style") { Credential = credential ?? ArcGisCredential.Anonymous };
        using var response = await _http.SendJsonAsync(request, cancellationToken).ConfigureAwait(false);
        if (JsonNode.Parse(response.Body.Span) is not JsonObject style || style["layers"] is null)
        {
            throw new ArcGisProtocolException($"The answer of {ArcGisUrl.Redact(response.Url)} is not a vector tile style.", response.Url);
        }
        return new VectorTileStyle(url, style);
    }

    /// <summary>
    /// One tile (order: level, row, column, as in <c>tile/{z}/{y}/{x}.pbf</c>), streamed with its encoding as served;
    /// null when the service has no tile there.
    /// </summary>
    /// <param name="tileTemplate">The service's template (<see cref="VectorTileServiceInfo.TileTemplates"/>); <c>tile/{z}/{y}/{x}.pbf</c> when null.</param>
    public Task<ArcGisDownload?> OpenTileAsync(Uri serviceUrl, int level, int row, int column, string? tileTemplate = null,
        ArcGisCredential? credential = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        var path = (tileTemplate ?? DefaultTileTemplate)
            .Replace("{z}", level.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{y}", row.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{x}", column.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var url = Uri.TryCreate(path, UriKind.Absolute, out var absolute) ? absolute : ArcGisUrl.Append(serviceUrl, path);
        var request = new ArcGisRequest(url, "vector tile") { Credential = credential ?? ArcGisCredential.Anonymous, AddFormatJson = false, NotFoundAsNull = true };
        request.Headers["Accept-Encoding"] = "gzip";
        return _http.OpenAsync(request, ContentExpectation.Binary, cancellationToken);
    }

    /// <summary>A style resource (sprite JSON/PNG, glyph range), streamed; null when missing.</summary>
    public Task<ArcGisDownload?> OpenResourceAsync(Uri url, ArcGisCredential? credential = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        var request = new ArcGisRequest(url, "style resource") { Credential = credential ?? ArcGisCredential.Anonymous, AddFormatJson = false, NotFoundAsNull = true };
        return _http.OpenAsync(request, ContentExpectation.Any, cancellationToken);
    }
}
