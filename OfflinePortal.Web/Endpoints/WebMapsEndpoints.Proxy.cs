using System.Buffers;
using System.Text.Json;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.WebMaps;
using OfflinePortal.Web.Security;

namespace OfflinePortal.Web.Endpoints;

/// <summary>
/// The map preview's proxy, in the ArcGIS resource-proxy form esri-leaflet's <c>proxy</c> option speaks:
/// <c>/api/v1/webmaps/{id}/proxy?https://host/…/FeatureServer/0/query?where=…</c>. Only signed-in users; only GET and
/// POST; only URLs under a service the web map references; a <c>token</c> sent by the browser is dropped and the server's
/// credential is added where it belongs, so no token reaches the browser. Answers are capped in size and time, and
/// served so that a browser cannot run them as a page of ours.
/// </summary>
public static partial class WebMapsEndpoints
{
    /// <summary>Largest answer passed on (a dynamic map export or a big query page fits well within it).</summary>
    public const long ProxyMaxResponseBytes = 20L * 1024 * 1024;

    /// <summary>Largest POST form accepted from the browser (esri-leaflet posts queries longer than 2,000 characters).</summary>
    public const int ProxyMaxFormBytes = 256 * 1024;

    /// <summary>Longest a proxied request may take, from sending to the last byte.</summary>
    public static readonly TimeSpan ProxyTimeout = TimeSpan.FromSeconds(30);

    private static void MapProxy(RouteGroupBuilder maps) =>
        maps.MapMethods("/{id}/proxy", [HttpMethods.Get, HttpMethods.Post], ProxyAsync)
            .WithName("WebMapPreviewProxy")
            .DisableAntiforgery()
            .ExcludeFromDescription();

    private static async Task ProxyAsync(string id, HttpContext context, WebMapCatalog catalog, PortalAccessProvider access, ArcGisResourceClient client,
        ILoggerFactory loggers)
    {
        var response = context.Response;
        var (target, query) = SplitProxyTarget(context.Request.QueryString.Value);
        if (target is null)
        {
            await ErrorAsync(response, StatusCodes.Status400BadRequest, "Give the service URL after '?', as esri-leaflet's proxy option does.");
            return;
        }
        IReadOnlyList<Uri> roots;
        try
        {
            roots = await catalog.GetServiceRootsAsync(id, context.RequestAborted);
        }
        catch (WebMapCatalogException e)
        {
            await ErrorAsync(response, e.Failure == WebMapCatalogFailure.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status502BadGateway, e.Message);
            return;
        }
        if (WebMapCatalog.MatchServiceRoot(roots, target) is null)
        {
            await ErrorAsync(response, StatusCodes.Status403Forbidden, $"The web map {id} does not reference {ArcGisUrl.Redact(ArcGisUrl.WithoutQuery(target))}; the proxy reaches only its services.");
            return;
        }
        if (ArcGisWriteOperations.IsWrite(target.AbsolutePath))
        {
            // The preview only reads; the proxy adds the server's credential, so a write through it would let any
            // signed-in user (an auditor too) change the portal's data with the admin's account.
            await ErrorAsync(response, StatusCodes.Status403Forbidden, $"The preview proxy only reads: {ArcGisUrl.Redact(ArcGisUrl.WithoutQuery(target))} would change data.");
            return;
        }

        var parameters = new List<KeyValuePair<string, string?>>();
        parameters.AddRange(ParseQuery(query));
        parameters.AddRange(ParseQuery(target.Query));
        var method = HttpMethods.IsPost(context.Request.Method) ? HttpMethod.Post : HttpMethod.Get;
        if (method == HttpMethod.Post)
        {
            var form = await ReadFormAsync(context);
            if (form is null)
            {
                await ErrorAsync(response, StatusCodes.Status413PayloadTooLarge,
                    $"The proxy accepts forms of at most {ProxyMaxFormBytes / 1024} KB (application/x-www-form-urlencoded).");
                return;
            }
            parameters.AddRange(form);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(ProxyTimeout);
        var logger = loggers.CreateLogger("OfflinePortal.Web.PreviewProxy");
        try
        {
            var source = await access.GetAsync(timeout.Token);
            await using var download = await client.OpenAsync(target, method, parameters, source.Credential, timeout.Token);
            if (download is null)
            {
                await ErrorAsync(response, StatusCodes.Status404NotFound, "The service has nothing at that address.");
                return;
            }
            if (download.ContentLength is > ProxyMaxResponseBytes)
            {
                await ErrorAsync(response, StatusCodes.Status502BadGateway, $"The service's answer is larger than {ProxyMaxResponseBytes / (1024 * 1024)} MB; the preview does not pass it on.");
                return;
            }
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = SafeContentType(download.ContentType);
            SetSafetyHeaders(response, cacheable: method == HttpMethod.Get);
            if (download.ContentLength is { } length)
            {
                response.ContentLength = length;
            }
            await CopyCappedAsync(download.Content, response.Body, context, timeout.Token);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The browser went away (the map moved on); nothing to answer.
        }
        catch (OperationCanceledException) when (!response.HasStarted)
        {
            await ErrorAsync(response, StatusCodes.Status504GatewayTimeout, $"The service did not answer within {ProxyTimeout.TotalSeconds:0} s.");
        }
        catch (ArcGisServiceException e) when (!response.HasStarted)
        {
            await ErrorAsync(response, e.HttpStatus is >= 400 and < 600 ? e.HttpStatus.Value : StatusCodes.Status502BadGateway, e.ServiceMessage, e.Code);
        }
        catch (ArcGisException e) when (!response.HasStarted)
        {
            ProxyFailed(logger, ArcGisUrl.Redact(target), e.Message);
            await ErrorAsync(response, StatusCodes.Status502BadGateway, e.Message);
        }
        catch (InvalidOperationException e) when (!response.HasStarted)
        {
            // The portal connection cannot give a credential (a secret that cannot be decrypted).
            await ErrorAsync(response, StatusCodes.Status502BadGateway, e.Message);
        }
        catch (Exception e) when (e is ArcGisException or OperationCanceledException or IOException)
        {
            // The answer had started; cut the connection so that the browser sees a broken answer, not a short one.
            ProxyFailed(logger, ArcGisUrl.Redact(target), e.Message);
            context.Abort();
        }
    }

    /// <summary>
    /// Splits the proxy query (<c>?https://host/path?a=1&amp;b=2</c>) into the target URL and its parameters. The target may
    /// be percent-encoded as a whole. Null when there is no absolute http(s) URL.
    /// </summary>
    public static (Uri? Target, string Query) SplitProxyTarget(string? rawQuery)
    {
        var text = (rawQuery ?? "").TrimStart('?');
        if (text.StartsWith("http%3a", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https%3a", StringComparison.OrdinalIgnoreCase))
        {
            text = Uri.UnescapeDataString(text);
        }
        var queryAt = text.IndexOf('?', StringComparison.Ordinal);
        var address = queryAt >= 0 ? text[..queryAt] : text;
        var query = queryAt >= 0 ? text[(queryAt + 1)..] : "";
        // esri-leaflet adds a '&' after the service URL when its own parameters follow without '?'.
        var ampersand = address.IndexOf('&', StringComparison.Ordinal);
        if (ampersand >= 0)
        {
            query = address[(ampersand + 1)..] + (query.Length > 0 ? "&" + query : "");
            address = address[..ampersand];
        }
        return Uri.TryCreate(address, UriKind.Absolute, out var target) && (target.Scheme == Uri.UriSchemeHttp || target.Scheme == Uri.UriSchemeHttps)
            ? (target, query)
            : (null, query);
    }

    private static IEnumerable<KeyValuePair<string, string?>> ParseQuery(string query)
    {
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2);
            var name = Unescape(pair[0]);
            if (name.Length > 0 && !ArcGisResourceClient.IsTokenParameter(name))
            {
                yield return new(name, pair.Length > 1 ? Unescape(pair[1]) : "");
            }
        }

        static string Unescape(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
    }

    private static async Task<List<KeyValuePair<string, string?>>?> ReadFormAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength is > ProxyMaxFormBytes)
        {
            return null;
        }
        if (request.ContentLength is 0 || (request.ContentType is null && request.ContentLength is null))
        {
            return [];
        }
        if (!request.HasFormContentType || request.ContentType?.Contains("multipart", StringComparison.OrdinalIgnoreCase) == true)
        {
            return null;
        }
        // Read the body ourselves within the cap, then parse it: the form reader's own limits are per value, not per body.
        var buffer = new ArrayBufferWriter<byte>();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.WrittenCount + read > ProxyMaxFormBytes)
            {
                return null;
            }
            buffer.Write(chunk.AsSpan(0, read));
        }
        return [.. ParseQuery(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan))];
    }

    private static async Task CopyCappedAsync(Stream source, Stream destination, HttpContext context, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > ProxyMaxResponseBytes)
                {
                    context.Abort();
                    return;
                }
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Content that a browser would run as a page of ours (HTML, scripts, SVG and other XML) is served as plain text;
    /// images, JSON, protobuf and other data keep their type.
    /// </summary>
    public static string SafeContentType(string? contentType)
    {
        var type = (contentType ?? "application/octet-stream").ToLowerInvariant();
        return type.Contains("html", StringComparison.Ordinal) || type.Contains("javascript", StringComparison.Ordinal)
            || type.Contains("xml", StringComparison.Ordinal) || type.Contains("ecmascript", StringComparison.Ordinal)
            ? "text/plain; charset=utf-8"
            : contentType ?? "application/octet-stream";
    }

    private static void SetSafetyHeaders(HttpResponse response, bool cacheable)
    {
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        response.Headers.CacheControl = cacheable ? "private, max-age=300" : "no-store";
        // A download prompt rather than a rendering, should anyone open a proxied URL as a page.
        response.Headers.ContentDisposition = "attachment";
    }

    private static async Task ErrorAsync(HttpResponse response, int status, string message, int? code = null)
    {
        if (response.HasStarted)
        {
            return;
        }
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        SetSafetyHeaders(response, cacheable: false);
        // The ArcGIS error envelope, which esri-leaflet reports as the layer's request error.
        await JsonSerializer.SerializeAsync(response.Body, new { error = new { code = code ?? status, message = ArcGisUrl.Redact(message) } });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Preview proxy request to {Url} failed: {Reason}")]
    private static partial void ProxyFailed(ILogger logger, string url, string reason);
}
