using System.Globalization;
using System.Net;

namespace OfflinePortal.Core.ArcGis.Http;

/// <summary>
/// Reads JSON answers completely while still inside the retry pipeline, so that a connection dropped in the middle of
/// the body is retried like a failed request. Only requests marked with a buffer limit are buffered; streamed
/// downloads pass through untouched.
/// </summary>
internal sealed class ArcGisBufferingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!request.Options.TryGetValue(ArcGisResilience.BufferLimitKey, out var limit) || response.Content is BufferedContent)
        {
            return response;
        }
        try
        {
            response.Content = await BufferedContent.ReadAsync(response.Content, limit, request.RequestUri, cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch (Exception e) when (e is IOException or HttpIOException || (e is HttpRequestException && e.InnerException is IOException))
        {
            response.Dispose();
            throw new HttpRequestException(HttpRequestError.ResponseEnded,
                "The connection dropped while the answer was being read: " + e.Message, e, response.StatusCode);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}

/// <summary>An answer body already in memory (read with a size cap).</summary>
internal sealed class BufferedContent : HttpContent
{
    private readonly byte[] _data;
    private readonly int _length;

    private BufferedContent(byte[] data, int length)
    {
        _data = data;
        _length = length;
    }

    public ReadOnlyMemory<byte> Data => _data.AsMemory(0, _length);

    /// <summary>Reads <paramref name="content"/> into memory, failing clearly beyond <paramref name="limit"/> bytes.</summary>
    public static async Task<BufferedContent> ReadAsync(HttpContent content, long limit, Uri? url, CancellationToken cancellationToken)
    {
        if (content is BufferedContent already)
        {
            return already;
        }
        var declared = content.Headers.ContentLength;
        if (declared > limit)
        {
            throw TooLarge(url, limit);
        }
        var buffer = new byte[(int)Math.Clamp(declared ?? 16 * 1024, 256, Math.Min(limit, 64L * 1024 * 1024))];
        var length = 0;
        await using (var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= limit)
                    {
                        // One more byte decides whether the body is exactly at the limit or beyond it.
                        var probe = new byte[1];
                        if (await stream.ReadAsync(probe, cancellationToken).ConfigureAwait(false) == 0)
                        {
                            break;
                        }
                        throw TooLarge(url, limit);
                    }
                    Array.Resize(ref buffer, (int)Math.Min(Math.Min((long)buffer.Length * 2, limit), Array.MaxLength));
                }
                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                length += read;
            }
        }
        var result = new BufferedContent(buffer, length);
        foreach (var header in content.Headers)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                result.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
        content.Dispose();
        return result;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        stream.WriteAsync(_data, 0, _length);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.WriteAsync(_data.AsMemory(0, _length), cancellationToken).AsTask();

    protected override Task<Stream> CreateContentReadStreamAsync() =>
        Task.FromResult<Stream>(new MemoryStream(_data, 0, _length, writable: false));

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }

    private static ArcGisProtocolException TooLarge(Uri? url, long limit) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"The answer of {ArcGisUrl.Redact(url)} is larger than {limit} bytes ({ArcGisClientOptions.SectionName}:{nameof(ArcGisClientOptions.MaxJsonResponseBytes)}); ask for smaller pages or raise the limit."),
            url?.OriginalString);
}
