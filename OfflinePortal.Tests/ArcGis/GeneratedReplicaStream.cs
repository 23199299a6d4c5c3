using System.Globalization;
using System.Text;

namespace OfflinePortal.Tests.ArcGis;

/// <summary>
/// A replica JSON file of <c>featureCount</c> point features, produced on the fly as it is read (never held whole),
/// so that a test can stream hundreds of thousands of features and see how far ahead the reader pulled.
/// </summary>
public sealed class GeneratedReplicaStream(int featureCount, int layerId = 0) : Stream
{
    private readonly byte[] _footer = Encoding.UTF8.GetBytes("]}],\"replicaServerGen\":\"987654321\",\"syncModel\":\"perReplica\"}");
    private byte[] _pending = Encoding.UTF8.GetBytes(
        "{\"replicaName\":\"generated\",\"replicaID\":\"{6F1C2E4A-0000-4000-8000-000000000001}\",\"layers\":[{\"id\":" + layerId.ToString(CultureInfo.InvariantCulture) + ",\"features\":[");
    private int _pendingOffset;
    private int _next;
    private bool _footerSent;

    /// <summary>Bytes handed out so far.</summary>
    public long BytesProduced { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesProduced;
        set => throw new NotSupportedException();
    }

    public static string Feature(int i)
    {
        var c = CultureInfo.InvariantCulture;
        return "{\"attributes\":{\"OBJECTID\":" + (i + 1).ToString(c)
            + ",\"GlobalID\":\"{" + i.ToString("X8", c) + "-0000-4000-8000-000000000000}\""
            + ",\"NAME\":\"Hydrant " + i.ToString(c) + "\""
            + ",\"PRESSURE\":" + ((i % 97) * 0.5).ToString(c)
            + ",\"INSPECTED\":" + (i % 3 == 0 ? "true" : "false")
            + "},\"geometry\":{\"x\":" + (1113194.9 + (i % 1000)).ToString("R", c)
            + ",\"y\":" + (6800000.5 + (i / 1000)).ToString("R", c) + "}}";
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length)
        {
            if (_pendingOffset == _pending.Length && !Refill())
            {
                break;
            }
            var n = Math.Min(buffer.Length - written, _pending.Length - _pendingOffset);
            _pending.AsSpan(_pendingOffset, n).CopyTo(buffer[written..]);
            _pendingOffset += n;
            written += n;
        }
        BytesProduced += written;
        return written;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer, offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private bool Refill()
    {
        if (_next < featureCount)
        {
            var text = new StringBuilder();
            for (var i = 0; i < 64 && _next < featureCount; i++, _next++)
            {
                if (_next > 0)
                {
                    text.Append(',');
                }
                text.Append(Feature(_next));
            }
            _pending = Encoding.UTF8.GetBytes(text.ToString());
        }
        else if (!_footerSent)
        {
            _pending = _footer;
            _footerSent = true;
        }
        else
        {
            return false;
        }
        _pendingOffset = 0;
        return true;
    }
}

/// <summary>Hands out at most a few bytes per read, so every token boundary falls between reads somewhere.</summary>
public sealed class TrickleStream(byte[] data, int maxChunk) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => data.Length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(Math.Min(buffer.Length, data.Length - _position), 1 + (_position % maxChunk));
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer, offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
