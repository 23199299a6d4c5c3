using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace OfflinePortal.Core.Packaging;

/// <summary>
/// Writes <c>package.json</c> last: lists every other file of the package folder with its size and SHA-256
/// (hashed streaming, 80 KB at a time), then writes the manifest atomically (temporary file, then rename).
/// </summary>
public sealed class PackageManifestWriter
{
    public async Task<PackageManifest> WriteAsync(string packageDirectory, PackageManifest manifest, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(packageDirectory);
        ArgumentNullException.ThrowIfNull(manifest);
        var root = Path.GetFullPath(packageDirectory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The package folder {root} does not exist.");
        }
        var files = new List<PackageFileEntry>();
        foreach (var relative in PackageFiles.Enumerate(root))
        {
            if (relative == PackageManifest.FileName)
            {
                continue;
            }
            var (bytes, hash) = await PackageFiles.HashAsync(Path.Combine(root, relative), cancellationToken);
            files.Add(new PackageFileEntry(relative, bytes, hash));
        }
        var complete = manifest with { Files = files };
        var target = Path.Combine(root, PackageManifest.FileName);
        var temporary = target + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await JsonSerializer.SerializeAsync(stream, complete, PackageJson.Options, cancellationToken);
        }
        File.Move(temporary, target, overwrite: true);
        return complete;
    }
}

/// <summary>The file walk and hashing shared by the manifest writer, the reader and the zip streamer.</summary>
public static class PackageFiles
{
    private const int BufferSize = 81920;

    /// <summary>Package-relative paths (forward slashes), sorted ordinally, of every file under <paramref name="root"/>.</summary>
    public static IReadOnlyList<string> Enumerate(string root)
    {
        var full = Path.GetFullPath(root);
        return Directory.EnumerateFiles(full, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Select(f => Path.GetRelativePath(full, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Size and lowercase hex SHA-256 of a file, read in chunks.</summary>
    public static async Task<(long Bytes, string Sha256)> HashAsync(string path, CancellationToken cancellationToken = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                total += read;
            }
            return (total, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
