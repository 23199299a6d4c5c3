using System.IO.Compression;

namespace OfflinePortal.Core.Packaging;

/// <summary>
/// Streams a package folder as a zip into any writable stream (an HTTP response body included: non-seekable, and
/// only asynchronous writes). Files are copied entry by entry through an 80 KB buffer, so memory stays flat and no
/// temporary zip is made. Already-compressed files (tiles, images, MBTiles) are stored; the rest use the fastest
/// deflate. <c>package.json</c> comes first so that a reader can stop early.
/// </summary>
/// <remarks>An exact length up front would need stored-only entries and zip64 bookkeeping; not offered.</remarks>
public sealed class PackageZipStreamer
{
    private const int BufferSize = 81920;

    private static readonly HashSet<string> StoredExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".webp", ".mbtiles", ".pbf", ".zip", ".gz", ".tpk", ".tpkx", ".vtpk",
    };

    public async Task WriteAsync(string packageDirectory, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(packageDirectory);
        ArgumentNullException.ThrowIfNull(output);
        var root = Path.GetFullPath(packageDirectory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The package folder {root} does not exist.");
        }
        var files = PackageFiles.Enumerate(root).OrderBy(f => f == PackageManifest.FileName ? 0 : 1).ThenBy(f => f, StringComparer.Ordinal).ToList();
        var bridge = new DeferredSyncWriteStream(output);
        var archive = await ZipArchive.CreateAsync(bridge, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken);
        await using (archive)
        {
            foreach (var relative in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var full = Path.Combine(root, relative);
                var level = StoredExtensions.Contains(Path.GetExtension(relative)) ? CompressionLevel.NoCompression : CompressionLevel.Fastest;
                var entry = archive.CreateEntry(relative, level);
                entry.LastWriteTime = File.GetLastWriteTimeUtc(full);
                await using var source = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await using (var target = await entry.OpenAsync(cancellationToken))
                {
                    await source.CopyToAsync(target, BufferSize, cancellationToken);
                }
                await bridge.FlushDeferredAsync(cancellationToken);
            }
        }
        await bridge.FlushDeferredAsync(cancellationToken);
        await output.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Closing a zip entry flushes its deflate tail and data descriptor with synchronous writes, which an HTTP
    /// response body refuses. This wrapper keeps those few bytes aside and sends them with the next asynchronous
    /// write or <see cref="FlushDeferredAsync"/>; file content itself always goes through asynchronously.
    /// </summary>
    private sealed class DeferredSyncWriteStream(Stream inner) : Stream
    {
        private readonly MemoryStream _deferred = new();
        private long _position;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        // ZipArchive records entry offsets from Position when the output cannot seek.
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public async Task FlushDeferredAsync(CancellationToken cancellationToken)
        {
            if (_deferred.Length > 0)
            {
                await inner.WriteAsync(_deferred.GetBuffer().AsMemory(0, (int)_deferred.Length), cancellationToken);
                _deferred.SetLength(0);
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            _deferred.Write(buffer, offset, count);
            _position += count;
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _deferred.Write(buffer);
            _position += buffer.Length;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await FlushDeferredAsync(cancellationToken);
            await inner.WriteAsync(buffer, cancellationToken);
            _position += buffer.Length;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
            // deferred until FlushDeferredAsync
        }

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            await FlushDeferredAsync(cancellationToken);
            await inner.FlushAsync(cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _deferred.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
