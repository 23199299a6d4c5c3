using System.IO.Compression;

namespace OfflinePortal.Web.Endpoints;

/// <summary>
/// Streams a package folder as a zip straight to the response (nothing is written to disk, memory stays flat).
/// Seam: replace with Core/Packaging's PackageZipStreamer once that lands.
/// </summary>
public static class PackageZip
{
    public static async Task WriteAsync(string directory, Stream output, CancellationToken cancellationToken)
    {
        var archive = await ZipArchive.CreateAsync(output, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken);
        await using (archive)
        {
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
}
