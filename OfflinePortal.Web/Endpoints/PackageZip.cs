using System.IO.Compression;
using System.IO.Pipelines;

namespace OfflinePortal.Web.Endpoints;

/// <summary>
/// Streams a package folder as a zip straight to the response (nothing is written to disk, memory stays flat).
/// ZipArchive still writes some headers synchronously, which Kestrel refuses on the response body, so the archive is
/// written into a pipe on a worker and the pipe is copied to the response asynchronously (with back-pressure).
/// Seam: replace with Core/Packaging's PackageZipStreamer once that lands.
/// </summary>
public static class PackageZip
{
    public static async Task WriteAsync(string directory, Stream output, CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19));
        var producer = Task.Run(async () =>
        {
            try
            {
                await using (var stream = pipe.Writer.AsStream(leaveOpen: true))
                {
                    await WriteArchiveAsync(directory, stream, cancellationToken);
                }
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception ex)
            {
                await pipe.Writer.CompleteAsync(ex);
            }
        }, CancellationToken.None);
        try
        {
            await pipe.Reader.CopyToAsync(output, cancellationToken);
        }
        finally
        {
            await pipe.Reader.CompleteAsync();
            await producer;
        }
    }

    private static async Task WriteArchiveAsync(string directory, Stream output, CancellationToken cancellationToken)
    {
        await using var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(directory, file).Replace(Path.DirectorySeparatorChar, '/');
            var entry = archive.CreateEntry(name, CompressionLevel.Fastest);
            entry.LastWriteTime = File.GetLastWriteTimeUtc(file);
            await using var target = await entry.OpenAsync(cancellationToken);
            await using var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
            await source.CopyToAsync(target, cancellationToken);
        }
    }
}
