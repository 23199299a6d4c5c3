using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OfflinePortal.Core.ArcGis.Http;
using OfflinePortal.Core.ArcGis.Json;

namespace OfflinePortal.Core.ArcGis.Tiles;

/// <summary>A cached MapServer or ImageServer: service description and tiles (<c>tile/{level}/{row}/{col}</c>).</summary>
public sealed class TiledServiceClient
{
    private readonly ArcGisHttp _http;

    public TiledServiceClient(HttpClient httpClient, IOptions<ArcGisClientOptions> options, TimeProvider timeProvider, ILogger<TiledServiceClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = new ArcGisHttp(httpClient, options.Value, timeProvider, logger);
    }

    /// <summary>The service root: tiling scheme, export permission and limits, extents, capabilities.</summary>
    public async Task<TiledServiceInfo> GetServiceInfoAsync(Uri serviceUrl, ArcGisCredential? credential = null, CancellationToken cancellationToken = default)
    {
        var request = new ArcGisRequest(serviceUrl, "service info") { Credential = credential ?? ArcGisCredential.Anonymous };
        using var response = await _http.SendJsonAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Root.ValueKind != JsonValueKind.Object || (!response.Root.Has("spatialReference") && !response.Root.Has("tileInfo")))
        {
            throw new ArcGisProtocolException($"The answer of {ArcGisUrl.Redact(response.Url)} is not a map or image service description.", response.Url);
        }
        return TiledServiceInfo.Parse(response.Root);
    }

    /// <summary>
    /// One tile, streamed as served (order: level, row, column). Null when the cache has no tile there (HTTP 404 or
    /// an error envelope with code 404): a missing tile is not an error.
    /// </summary>
    public Task<ArcGisDownload?> OpenTileAsync(Uri serviceUrl, int level, int row, int column, ArcGisCredential? credential = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        var url = ArcGisUrl.Append(serviceUrl, string.Create(CultureInfo.InvariantCulture, $"tile/{level}/{row}/{column}"));
        var request = new ArcGisRequest(url, "tile") { Credential = credential ?? ArcGisCredential.Anonymous, AddFormatJson = false, NotFoundAsNull = true };
        return _http.OpenAsync(request, ContentExpectation.Binary, cancellationToken);
    }
}
