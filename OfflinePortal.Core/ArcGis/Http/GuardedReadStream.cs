using System.Globalization;

namespace OfflinePortal.Core.ArcGis.Http;

/// <summary>
/// Wraps a network body: an optional prefix already read (while checking for an error envelope) followed by the rest
/// of the stream. Each read fails after an idle timeout, and transport errors become <see cref="ArcGisConnectionException"/>
/// naming the URL (redacted) and how far the download got.
/// </summary>
internal sealed class GuardedReadStream(Stream inner, ReadOnlyMemory<byte> prefix, string url, TimeSpan idleTimeout, TimeProvider timeProvider)
    : Stream
{
    private ReadOnlyMemory<byte> _prefix = prefix;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (TakePrefix(buffer) is var fromPrefix and > 0)
        {
            return fromPrefix;
        }
        try
        {
            var read = inner.Read(buffer);
            _position += read;
            return read;
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw Interrupted(e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (TakePrefix(buffer.Span) is var fromPrefix and > 0)
        {
            return fromPrefix;
        }
        using var idle = new CancellationTokenSource(idleTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        try
        {
            var read = await inner.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
            _position += read;
            return read;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && idle.IsCancellationRequested)
        {
            throw new ArcGisConnectionException(string.Create(CultureInfo.InvariantCulture,
                $"The download from {ArcGisUrl.Redact(url)} stalled: no data for {idleTimeout.TotalSeconds:0.#} s after {_position} bytes."), url, e);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw Interrupted(e);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int TakePrefix(Span<byte> buffer)
    {
        if (_prefix.IsEmpty || buffer.IsEmpty)
        {
            return 0;
        }
        var count = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..count].CopyTo(buffer);
        _prefix = _prefix[count..];
        _position += count;
        return count;
    }

    private ArcGisConnectionException Interrupted(Exception e) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"The download from {ArcGisUrl.Redact(url)} was interrupted after {_position} bytes: {ArcGisUrl.Redact(e.Message)}"), url, e);
}
