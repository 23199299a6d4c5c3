namespace OfflinePortal.Core.ArcGis.Replicas;

/// <summary>
/// Decoded attachment bytes: kept in memory up to a threshold, then moved to a temporary file, so that a large photo
/// or video never sits in memory whole. Written once, then read through <see cref="OpenRead"/>; deleted on dispose.
/// </summary>
internal sealed class AttachmentData(int memoryThreshold, string temporaryDirectory) : Stream
{
    private MemoryStream? _memory = new();
    private FileStream? _file;
    private string? _path;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _file?.Length ?? _memory?.Length ?? 0;

    public override long Position
    {
        get => Length;
        set => throw new NotSupportedException();
    }

    public Stream OpenRead()
    {
        if (_file is not null)
        {
            _file.Flush();
            return new FileStream(_path!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, useAsync: true);
        }
        var memory = _memory ?? throw new ObjectDisposedException(nameof(AttachmentData));
        return new MemoryStream(memory.GetBuffer(), 0, (int)memory.Length, writable: false);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        SpillIfNeeded(buffer.Length);
        if (_file is not null)
        {
            _file.Write(buffer);
        }
        else
        {
            _memory!.Write(buffer);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        SpillIfNeeded(buffer.Length);
        if (_file is not null)
        {
            await _file.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _memory!.Write(buffer.Span);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => _file?.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _memory?.Dispose();
            _memory = null;
            _file?.Dispose();
            _file = null;
            if (_path is not null)
            {
                try
                {
                    File.Delete(_path);
                }
                catch (IOException)
                {
                    // Still open by a reader on a system that forbids deleting open files; the temp folder is cleaned later.
                }
                catch (UnauthorizedAccessException)
                {
                }
                _path = null;
            }
        }
        base.Dispose(disposing);
    }

    private void SpillIfNeeded(int incoming)
    {
        if (_file is not null || _memory is null || _memory.Length + incoming <= memoryThreshold)
        {
            return;
        }
        Directory.CreateDirectory(temporaryDirectory);
        _path = Path.Combine(temporaryDirectory, "attachment-" + Guid.NewGuid().ToString("N") + ".bin");
        _file = new FileStream(_path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 81920, useAsync: true);
        _file.Write(_memory.GetBuffer(), 0, (int)_memory.Length);
        _memory.Dispose();
        _memory = null;
    }
}
