using System.Globalization;

namespace OfflinePortal.Core.ArcGis;

/// <summary>
/// A streamed answer (replica file, attachment, tile, thumbnail). <see cref="Content"/> reads from the network as the
/// caller pulls; nothing is buffered. A stall longer than the configured idle timeout, or a dropped connection, fails
/// the read with an <see cref="ArcGisConnectionException"/>. Dispose it to release the connection.
/// </summary>
public sealed class ArcGisDownload : IAsyncDisposable, IDisposable
{
    private readonly IDisposable? _owner;

    internal ArcGisDownload(Stream content, string url, string? contentType, string? contentEncoding, long? contentLength, IDisposable? owner)
    {
        Content = content;
        Url = ArcGisUrl.Redact(url);
        ContentType = contentType;
        ContentEncoding = contentEncoding;
        ContentLength = contentLength;
        _owner = owner;
    }

    public Stream Content { get; }

    /// <summary>The URL read (secrets redacted).</summary>
    public string Url { get; }

    public string? ContentType { get; }

    /// <summary>The <c>Content-Encoding</c> the bytes carry (for example <c>gzip</c> for vector tiles kept as served).</summary>
    public string? ContentEncoding { get; }

    public long? ContentLength { get; }

    /// <summary>Reads the whole content (for small answers such as tiles).</summary>
    public async Task<byte[]> ReadAllBytesAsync(CancellationToken cancellationToken = default)
    {
        if (ContentLength is { } exact and > 0 and < 64 * 1024 * 1024 && ContentEncoding is null)
        {
            // The usual tile: read straight into an array of the announced size (no growing buffer, no final copy).
            var bytes = new byte[exact];
            var read = 0;
            int n;
            while (read < bytes.Length && (n = await Content.ReadAsync(bytes.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0)
            {
                read += n;
            }
            if (read < bytes.Length)
            {
                throw new ArcGisConnectionException(string.Create(CultureInfo.InvariantCulture,
                    $"The answer from {Url} ended after {read:N0} of the {bytes.Length:N0} bytes it announced."));
            }
            return bytes;
        }
        using var memory = ContentLength is { } length and < int.MaxValue ? new MemoryStream((int)length) : new MemoryStream();
        await Content.CopyToAsync(memory, cancellationToken).ConfigureAwait(false);
        return memory.ToArray();
    }

    /// <summary>
    /// Reads the whole content into an array rented from the shared pool (for tiles: no large-object allocation per
    /// tile). The caller owns the result and disposes it once the bytes have been used.
    /// </summary>
    internal async Task<PooledBytes> ReadPooledAsync(CancellationToken cancellationToken = default)
    {
        var array = System.Buffers.ArrayPool<byte>.Shared.Rent(ContentLength is { } announced and > 0 and < 64 * 1024 * 1024 ? (int)announced : 64 * 1024);
        var length = 0;
        try
        {
            int n;
            while ((n = await Content.ReadAsync(array.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += n;
                if (length == array.Length)
                {
                    var larger = System.Buffers.ArrayPool<byte>.Shared.Rent(array.Length * 2);
                    array.AsSpan(0, length).CopyTo(larger);
                    System.Buffers.ArrayPool<byte>.Shared.Return(array);
                    array = larger;
                }
            }
            return new PooledBytes(array, length);
        }
        catch
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(array);
            throw;
        }
    }

    public void Dispose()
    {
        Content.Dispose();
        _owner?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync().ConfigureAwait(false);
        _owner?.Dispose();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"ArcGisDownload({Url}, {ContentType}, {ContentLength?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} bytes)");
}
