using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using OfflinePortal.Core.ArcGis.Json;
using Polly.Timeout;

namespace OfflinePortal.Core.ArcGis.Http;

/// <summary>What a streamed answer is expected to hold; decides which answers are inspected for an error.</summary>
internal enum ContentExpectation
{
    /// <summary>A JSON document read by the caller (a replica file): only HTML and error statuses are inspected.</summary>
    Json,

    /// <summary>Binary data (a tile): JSON, HTML or text in its place is an error.</summary>
    Binary,

    /// <summary>Anything (an attachment): a small JSON answer is checked for an error envelope, everything else passes.</summary>
    Any,
}

/// <summary>
/// The one place that talks HTTP for the ArcGIS clients: builds requests (f=json, token as parameter and header),
/// reads answers with a size cap, turns error envelopes, HTML, truncated bodies and transport failures into the typed
/// exceptions, renews a rejected token once, and opens streamed downloads.
/// </summary>
internal sealed partial class ArcGisHttp(HttpClient http, ArcGisClientOptions options, TimeProvider timeProvider, ILogger logger)
    : IArcGisTokenIssuer
{
    // Small enough to hold in memory while looking for an error envelope in a streamed answer.
    private const int PeekBytes = 64 * 1024;

    public TimeProvider TimeProvider => timeProvider;

    public ArcGisClientOptions Options => options;

    public ILogger Logger => logger;

    /// <summary>Sends a request whose answer is JSON and returns the validated answer (never an error envelope).</summary>
    public async Task<ArcGisJsonResponse> SendJsonAsync(ArcGisRequest request, CancellationToken cancellationToken)
    {
        string? rejectedToken = null;
        while (true)
        {
            var token = await ResolveTokenAsync(request, rejectedToken, cancellationToken).ConfigureAwait(false);
            using var message = Build(request, token, bufferJson: true);
            var url = message.RequestUri!.OriginalString;
            var started = timeProvider.GetTimestamp();
            using var response = await SendAsync(message, request, token, cancellationToken).ConfigureAwait(false);
            ReadOnlyMemory<byte> body;
            try
            {
                body = response.Content is BufferedContent buffered
                    ? buffered.Data
                    : (await BufferedContent.ReadAsync(response.Content, options.MaxJsonResponseBytes, message.RequestUri, cancellationToken).ConfigureAwait(false)).Data;
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                throw new ArcGisConnectionException($"The connection to {ArcGisUrl.Redact(url)} dropped while reading the answer: {Scrub(e.Message, token)}", url, e);
            }
            LogResponse(logger, message.Method.Method, ArcGisUrl.Redact(url), (int)response.StatusCode, body.Length,
                (long)timeProvider.GetElapsedTime(started).TotalMilliseconds);
            try
            {
                return Interpret(response, body, url, token);
            }
            catch (ArcGisServiceException e) when (e.IsTokenInvalid && token is not null && rejectedToken is null && request.Credential.CanRenew)
            {
                LogTokenRejected(logger, ArcGisUrl.Redact(url));
                rejectedToken = token.Token;
            }
            catch (ArcGisServiceException e) when (e.IsTokenRequired && token is null && !request.Credential.IsAnonymous)
            {
                throw NotTrusted(e, request);
            }
        }
    }

    /// <summary>
    /// Opens a streamed answer. Returns null when <see cref="ArcGisRequest.NotFoundAsNull"/> is set and the service
    /// answered 404. Error answers are read (they are small) and thrown as typed exceptions.
    /// </summary>
    public async Task<ArcGisDownload?> OpenAsync(ArcGisRequest request, ContentExpectation expectation, CancellationToken cancellationToken)
    {
        string? rejectedToken = null;
        while (true)
        {
            var token = await ResolveTokenAsync(request, rejectedToken, cancellationToken).ConfigureAwait(false);
            HttpRequestMessage? message = Build(request, token, bufferJson: false);
            var url = message.RequestUri!.OriginalString;
            HttpResponseMessage? response = null;
            try
            {
                response = await SendAsync(message, request, token, cancellationToken).ConfigureAwait(false);
                var download = await InspectDownloadAsync(response, message, request, expectation, url, token, cancellationToken).ConfigureAwait(false);
                if (download is not null)
                {
                    LogResponse(logger, message.Method.Method, ArcGisUrl.Redact(url), (int)response.StatusCode, download.ContentLength ?? -1, 0);
                    response = null; // owned by the download now
                    message = null;
                }
                return download;
            }
            catch (ArcGisServiceException e) when (e.IsTokenInvalid && token is not null && rejectedToken is null && request.Credential.CanRenew)
            {
                LogTokenRejected(logger, ArcGisUrl.Redact(url));
                rejectedToken = token.Token;
            }
            finally
            {
                response?.Dispose();
                message?.Dispose();
            }
        }
    }

    /// <summary>
    /// Copies a streamed answer into <paramref name="destination"/>. When the connection drops mid-body and the
    /// destination can seek (a file), the download starts again from the beginning, a bounded number of times.
    /// </summary>
    public async Task<long> DownloadToAsync(ArcGisRequest request, ContentExpectation expectation, Stream destination, CancellationToken cancellationToken)
    {
        var start = destination.CanSeek ? destination.Position : 0;
        for (var attempt = 0; ; attempt++)
        {
            await using var download = await OpenAsync(request, expectation, cancellationToken).ConfigureAwait(false)
                ?? throw new ArcGisServiceException(404, "Not found", requestUrl: request.Url.OriginalString, httpStatus: 404);
            try
            {
                await download.Content.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
                return destination.CanSeek ? destination.Position - start : download.Content.Position;
            }
            catch (ArcGisConnectionException e) when (destination.CanSeek && attempt < options.DownloadRestartAttempts)
            {
                var delay = RestartDelay(attempt);
                LogDownloadRestart(logger, download.Url, e.Message, attempt + 1, options.DownloadRestartAttempts, (long)delay.TotalMilliseconds);
                destination.SetLength(start);
                destination.Position = start;
                await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<ArcGisToken> GenerateTokenAsync(Uri portalUrl, string username, string password, CancellationToken cancellationToken)
    {
        var sharing = ArcGisUrl.NormalizePortalUrl(portalUrl);
        var tokenUrl = await DiscoverTokenUrlAsync(sharing, cancellationToken).ConfigureAwait(false);
        var referer = string.IsNullOrWhiteSpace(options.TokenReferer) ? sharing.GetLeftPart(UriPartial.Authority) : options.TokenReferer.Trim();
        var request = new ArcGisRequest(tokenUrl, "generateToken") { Method = HttpMethod.Post }
            .Add("username", username)
            .Add("password", password)
            .Add("client", "referer")
            .Add("referer", referer)
            .Add("expiration", options.TokenExpirationMinutes);
        try
        {
            using var response = await SendJsonAsync(request, cancellationToken).ConfigureAwait(false);
            var root = response.Root;
            var token = root.Str("token");
            if (string.IsNullOrEmpty(token))
            {
                throw new ArcGisProtocolException($"The token service at {ArcGisUrl.Redact(tokenUrl)} answered without a token.", tokenUrl.OriginalString);
            }
            LogTokenIssued(logger, username, ArcGisUrl.Redact(tokenUrl));
            return new ArcGisToken(token, root.EpochMs("expires")) { Ssl = root.Bool("ssl"), Referer = referer };
        }
        catch (ArcGisServiceException e)
        {
            throw new ArcGisServiceException(e.Code, $"Signing in to {ArcGisUrl.Redact(sharing)} as '{username}' failed: {e.ServiceMessage}",
                e.Details, e.MessageCode, tokenUrl.OriginalString, e.HttpStatus, e);
        }
    }

    /// <summary>The token service named by the portal's <c>info</c> (<c>authInfo.tokenServicesUrl</c>), or <c>{portal}/generateToken</c>.</summary>
    public async Task<Uri> DiscoverTokenUrlAsync(Uri sharingUrl, CancellationToken cancellationToken)
    {
        var fallback = ArcGisUrl.Append(sharingUrl, "generateToken");
        using var info = await SendJsonAsync(new ArcGisRequest(ArcGisUrl.Append(sharingUrl, "info"), "info"), cancellationToken).ConfigureAwait(false);
        var advertised = info.Root.Obj("authInfo")?.NonEmptyStr("tokenServicesUrl");
        if (advertised is null || !Uri.TryCreate(advertised, UriKind.Absolute, out var tokenUrl))
        {
            return fallback;
        }
        // The password goes to this URL: only over TLS, or to the portal's own host (a local portal without TLS).
        if (tokenUrl.Scheme != Uri.UriSchemeHttps && !string.Equals(tokenUrl.Host, sharingUrl.Host, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArcGisProtocolException(
                $"The portal {ArcGisUrl.Redact(sharingUrl)} names the token service {ArcGisUrl.Redact(tokenUrl)}, which is neither HTTPS nor on the portal's host; the password is not sent there.",
                sharingUrl.OriginalString);
        }
        return tokenUrl;
    }

    private async ValueTask<ArcGisToken?> ResolveTokenAsync(ArcGisRequest request, string? rejectedToken, CancellationToken cancellationToken)
    {
        if (!request.Credential.AppliesTo(request.Url))
        {
            return null;
        }
        var token = await request.Credential.GetTokenAsync(this, rejectedToken, cancellationToken).ConfigureAwait(false);
        if (rejectedToken is not null && token is null)
        {
            throw new ArcGisServiceException(498, "Invalid token.", requestUrl: request.Url.OriginalString);
        }
        return token;
    }

    /// <summary>A 499 from a host the credential is not sent to: say why, so that the host can be trusted if it should be.</summary>
    private static ArcGisServiceException NotTrusted(ArcGisServiceException e, ArcGisRequest request) =>
        new(e.Code, $"{e.ServiceMessage} (the credential for {ArcGisUrl.Redact(request.Credential.PortalUrl)} is sent only to its own hosts; "
            + $"add '{request.Url.Host}' to its trusted hosts if this server accepts the portal's tokens)",
            e.Details, e.MessageCode, e.RequestUrl, e.HttpStatus, e);

    private HttpRequestMessage Build(ArcGisRequest request, ArcGisToken? token, bool bufferJson)
    {
        var parameters = new List<KeyValuePair<string, string?>>(request.Parameters.Count + 2);
        parameters.AddRange(request.Parameters);
        if (request.AddFormatJson)
        {
            parameters.Add(new("f", "json"));
        }
        if (token is not null)
        {
            parameters.Add(new("token", token.Token));
        }
        var method = request.Method;
        HttpRequestMessage message;
        if (method == HttpMethod.Get)
        {
            var url = ArcGisUrl.WithQuery(request.Url, parameters);
            if (request.AllowPostFallback && url.OriginalString.Length > options.MaxGetUrlLength)
            {
                method = HttpMethod.Post;
            }
            message = method == HttpMethod.Get ? new HttpRequestMessage(HttpMethod.Get, url) : Form(request.Url, parameters);
        }
        else
        {
            message = Form(request.Url, parameters);
        }
        message.Headers.UserAgent.Clear();
        message.Headers.TryAddWithoutValidation("User-Agent", options.UserAgent);
        if (request.AddFormatJson)
        {
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*", 0.5));
        }
        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
        if (token is not null)
        {
            message.Headers.TryAddWithoutValidation("X-Esri-Authorization", "Bearer " + token.Token);
            if (token.Referer is { Length: > 0 } referer)
            {
                message.Headers.TryAddWithoutValidation("Referer", referer);
            }
        }
        message.Options.Set(ArcGisResilience.RetrySafeKey, request.RetrySafe);
        if (request.AttemptTimeout is { } timeout)
        {
            message.Options.Set(ArcGisResilience.AttemptTimeoutKey, timeout);
        }
        if (bufferJson)
        {
            message.Options.Set(ArcGisResilience.BufferLimitKey, options.MaxJsonResponseBytes);
        }
        return message;

        static HttpRequestMessage Form(Uri url, List<KeyValuePair<string, string?>> parameters) =>
            new(HttpMethod.Post, url)
            {
                Content = new FormUrlEncodedContent(parameters.Where(p => p.Value is not null).Select(p => new KeyValuePair<string, string>(p.Key, p.Value!))),
            };
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, ArcGisRequest request, ArcGisToken? token, CancellationToken cancellationToken)
    {
        var url = message.RequestUri!.OriginalString;
        try
        {
            return await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutRejectedException e)
        {
            throw new ArcGisConnectionException(string.Create(CultureInfo.InvariantCulture,
                $"The {request.Operation} request to {ArcGisUrl.Redact(url)} timed out after {(request.AttemptTimeout ?? options.RequestTimeout).TotalSeconds:0.#} s (after {options.MaxRetryAttempts} retries)."), url, e);
        }
        catch (OperationCanceledException e)
        {
            throw new ArcGisConnectionException($"The {request.Operation} request to {ArcGisUrl.Redact(url)} timed out.", url, e);
        }
        catch (HttpRequestException e)
        {
            throw new ArcGisConnectionException(
                $"The {request.Operation} request to {ArcGisUrl.Redact(url)} failed: {Scrub(e.Message, token)}{(e.InnerException is { } inner ? " (" + Scrub(inner.Message, token) + ")" : "")}",
                url, e);
        }
    }

    private async Task<ArcGisDownload?> InspectDownloadAsync(HttpResponseMessage response, HttpRequestMessage message, ArcGisRequest request,
        ContentExpectation expectation, string url, ArcGisToken? token, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.NotFound && request.NotFoundAsNull)
        {
            return null;
        }
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? "";
        var isJson = mediaType.Contains("json", StringComparison.OrdinalIgnoreCase) || mediaType.Contains("javascript", StringComparison.OrdinalIgnoreCase);
        var isText = mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase);
        var inspect = !response.IsSuccessStatusCode
            || (expectation == ContentExpectation.Binary && (isJson || isText))
            || (expectation == ContentExpectation.Json && mediaType.Contains("html", StringComparison.OrdinalIgnoreCase))
            || (expectation == ContentExpectation.Any && isJson);
        Stream body;
        try
        {
            body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new ArcGisConnectionException($"The connection to {ArcGisUrl.Redact(url)} dropped: {Scrub(e.Message, token)}", url, e);
        }
        ReadOnlyMemory<byte> prefix = ReadOnlyMemory<byte>.Empty;
        if (inspect)
        {
            var (head, complete) = await PeekAsync(body, url, token, cancellationToken).ConfigureAwait(false);
            prefix = head;
            if (complete || !response.IsSuccessStatusCode || expectation != ContentExpectation.Any)
            {
                try
                {
                    using var parsed = Interpret(response, head, url, token);
                    if (expectation != ContentExpectation.Any)
                    {
                        throw new ArcGisProtocolException(
                            $"The service at {ArcGisUrl.Redact(url)} answered JSON where {(expectation == ContentExpectation.Binary ? "binary data" : "a file")} was expected.", url);
                    }
                }
                catch (ArcGisServiceException e) when (e.IsNotFound && request.NotFoundAsNull)
                {
                    await body.DisposeAsync().ConfigureAwait(false);
                    return null;
                }
                catch
                {
                    await body.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }
        }
        var stream = new GuardedReadStream(body, prefix, url, options.DownloadIdleTimeout, timeProvider);
        return new ArcGisDownload(stream, url, response.Content.Headers.ContentType?.ToString(),
            response.Content.Headers.ContentEncoding.Count > 0 ? string.Join(",", response.Content.Headers.ContentEncoding) : null,
            response.Content.Headers.ContentLength, new ResponseOwner(response, message));
    }

    private async Task<(ReadOnlyMemory<byte> Head, bool Complete)> PeekAsync(Stream body, string url, ArcGisToken? token, CancellationToken cancellationToken)
    {
        var buffer = new byte[PeekBytes];
        var length = 0;
        try
        {
            while (length < buffer.Length)
            {
                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return (buffer.AsMemory(0, length), true);
                }
                length += read;
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new ArcGisConnectionException($"The connection to {ArcGisUrl.Redact(url)} dropped: {Scrub(e.Message, token)}", url, e);
        }
        return (buffer.AsMemory(0, length), false);
    }

    /// <summary>Turns an answer into a validated JSON document or the right exception.</summary>
    private static ArcGisJsonResponse Interpret(HttpResponseMessage response, ReadOnlyMemory<byte> body, string url, ArcGisToken? token)
    {
        var status = (int)response.StatusCode;
        var span = TrimStart(body.Span);
        if (span.Length == 0)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new ArcGisServiceException(status, HttpMessage(response), requestUrl: url, httpStatus: status);
            }
            throw new ArcGisProtocolException(string.Create(CultureInfo.InvariantCulture,
                $"The service at {ArcGisUrl.Redact(url)} answered an empty body (HTTP {status}), not JSON."), url);
        }
        if (span[0] is not ((byte)'{' or (byte)'['))
        {
            var text = DescribeNonJson(span, response);
            if (!response.IsSuccessStatusCode)
            {
                throw new ArcGisServiceException(status, Scrub(HttpMessage(response) + text.Detail, token), requestUrl: url, httpStatus: status);
            }
            if (text.Kind == "HTML" && token is not null && HtmlTokenError(span) is { } code)
            {
                // Requests without f=json (tiles, replica files, attachments) get ArcGIS's HTML error page; a rejected
                // token there must still lead to renewal, as the JSON envelope does.
                throw new ArcGisServiceException(code, code == 498 ? "Invalid token." : "Token Required", requestUrl: url, httpStatus: status);
            }
            throw new ArcGisProtocolException(Scrub(string.Create(CultureInfo.InvariantCulture,
                $"The service at {ArcGisUrl.Redact(url)} answered {text.Kind}, not JSON (HTTP {status}, {response.Content.Headers.ContentType?.MediaType ?? "no content type"}){text.Hint}{text.Detail}"), token), url);
        }
        var errorFound = ValidateJson(body.Span, url);
        var result = new ArcGisJsonResponse(body, url);
        if (errorFound)
        {
            using (result)
            {
                var error = result.Root.Prop("error")!.Value;
                var code = error.Int32("code") ?? (response.IsSuccessStatusCode ? 500 : status);
                var serviceMessage = error.Str("message") ?? error.Str("error_description") ?? error.Str("description") ?? "(no message)";
                var details = error.StrArray("details").Select(d => Scrub(d, token)).ToList();
                throw new ArcGisServiceException(code, Scrub(serviceMessage, token), details, error.Str("messageCode"), url, status);
            }
        }
        if (!response.IsSuccessStatusCode)
        {
            result.Dispose();
            throw new ArcGisServiceException(status, HttpMessage(response), requestUrl: url, httpStatus: status);
        }
        return result;
    }

    /// <summary>Checks the body is one complete JSON value, and whether it is an error envelope.</summary>
    private static bool ValidateJson(ReadOnlySpan<byte> body, string url)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var error = false;
        try
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isError = reader.ValueTextEquals("error"u8) || reader.ValueTextEquals("Error"u8);
                    reader.Read();
                    error |= isError && reader.TokenType == JsonTokenType.StartObject;
                    reader.Skip();
                }
            }
            else
            {
                reader.Skip();
            }
            if (reader.Read())
            {
                throw new ArcGisProtocolException(string.Create(CultureInfo.InvariantCulture,
                    $"The service at {ArcGisUrl.Redact(url)} answered JSON followed by extra content at byte {reader.TokenStartIndex}."), url);
            }
        }
        catch (JsonException e)
        {
            var truncated = reader.BytesConsumed >= body.Length - 1 || e.Message.Contains("end of", StringComparison.OrdinalIgnoreCase)
                || e.Message.Contains("incomplete", StringComparison.OrdinalIgnoreCase);
            throw new ArcGisProtocolException(string.Create(CultureInfo.InvariantCulture,
                $"The service at {ArcGisUrl.Redact(url)} answered {(truncated ? "truncated" : "invalid")} JSON ({body.Length} bytes; {e.Message})."), url, e);
        }
        return error;
    }

    private static ReadOnlySpan<byte> TrimStart(ReadOnlySpan<byte> span)
    {
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            span = span[3..];
        }
        var i = 0;
        while (i < span.Length && span[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }
        return span[i..];
    }

    /// <summary>498 or 499 when an HTML answer is ArcGIS's error page for a rejected or missing token.</summary>
    private static int? HtmlTokenError(ReadOnlySpan<byte> span)
    {
        var text = WebUtility.HtmlDecode(Encoding.UTF8.GetString(span[..Math.Min(span.Length, 8192)]));
        var match = HtmlTokenErrorPattern().Match(text);
        if (!match.Success)
        {
            return null;
        }
        return match.Value.Contains("498", StringComparison.Ordinal) || match.Value.Contains("nvalid", StringComparison.OrdinalIgnoreCase) ? 498 : 499;
    }

    [GeneratedRegex(@"""code""\s*:\s*49[89]\b|\bInvalid\s+token\b|\bToken\s+Required\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HtmlTokenErrorPattern();

    private static (string Kind, string Hint, string Detail) DescribeNonJson(ReadOnlySpan<byte> span, HttpResponseMessage response)
    {
        var sample = Encoding.UTF8.GetString(span[..Math.Min(span.Length, 4096)]);
        var isHtml = sample.StartsWith('<') || (response.Content.Headers.ContentType?.MediaType?.Contains("html", StringComparison.OrdinalIgnoreCase) ?? false);
        if (isHtml)
        {
            var title = TitlePattern().Match(sample) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value).Trim() : null;
            return ("HTML", "; it may be a sign-in page, a proxy error or a wrong URL", string.IsNullOrEmpty(title) ? "" : $": \"{Shorten(title)}\"");
        }
        return ("text", "", ": \"" + Shorten(sample) + "\"");
    }

    private static string Shorten(string text)
    {
        var single = WhiteSpace().Replace(text, " ").Trim();
        return single.Length <= 160 ? single : single[..160] + "…";
    }

    private static string HttpMessage(HttpResponseMessage response) =>
        string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}").TrimEnd();

    private static string Scrub(string text, ArcGisToken? token) => ArcGisUrl.Scrub(text, token?.Token);

    private TimeSpan RestartDelay(int attempt)
    {
        var exponential = options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt);
        return TimeSpan.FromMilliseconds(Math.Min(exponential, options.RetryMaxDelay.TotalMilliseconds));
    }

    [GeneratedRegex(@"<title[^>]*>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex TitlePattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, Message = "ArcGIS {Method} {Url} answered HTTP {Status}, {Bytes} bytes in {ElapsedMs} ms")]
    private static partial void LogResponse(ILogger logger, string method, string url, int status, long bytes, long elapsedMs);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "The token was rejected (498) by {Url}; renewing it and retrying once")]
    private static partial void LogTokenRejected(ILogger logger, string url);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Obtained a token for {Username} from {TokenUrl}")]
    private static partial void LogTokenIssued(ILogger logger, string username, string tokenUrl);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning,
        Message = "The download from {Url} was interrupted ({Reason}); restarting it ({Attempt} of {MaxAttempts}) in {DelayMs} ms")]
    private static partial void LogDownloadRestart(ILogger logger, string url, string reason, int attempt, int maxAttempts, long delayMs);

    /// <summary>Keeps the response (and its request) alive as long as a download reads from it.</summary>
    private sealed class ResponseOwner(HttpResponseMessage response, HttpRequestMessage request) : IDisposable
    {
        public void Dispose()
        {
            response.Dispose();
            request.Dispose();
        }
    }
}

/// <summary>A validated JSON answer held in memory. Dispose it to release the parsed document.</summary>
internal sealed class ArcGisJsonResponse(ReadOnlyMemory<byte> body, string url) : IDisposable
{
    private JsonDocument? _document;

    public ReadOnlyMemory<byte> Body { get; } = body;

    /// <summary>The URL that answered (may hold a token: redact before showing).</summary>
    public string Url { get; } = url;

    public JsonElement Root => (_document ??= JsonDocument.Parse(Body, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip })).RootElement;

    public void Dispose() => _document?.Dispose();
}
