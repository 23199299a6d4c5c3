using System.Text.Json;

namespace OfflinePortal.Core.Packaging;

public enum PackageProblemKind
{
    /// <summary>Listed in the manifest, absent from the folder.</summary>
    Missing,

    /// <summary>Present but not listed (added after the manifest was written).</summary>
    Unlisted,

    SizeMismatch,

    HashMismatch,

    /// <summary>A listed path that escapes the package folder.</summary>
    InvalidPath,
}

public sealed record PackageProblem(string Path, PackageProblemKind Kind, string? Expected = null, string? Actual = null);

public sealed record PackageVerification(PackageManifest Manifest, IReadOnlyList<PackageProblem> Problems)
{
    public bool IsValid => Problems.Count == 0;
}

/// <summary>Loads <c>package.json</c> and checks every file against it (size, then SHA-256), reporting each mismatch.</summary>
public sealed class PackageManifestReader
{
    public async Task<PackageManifest> ReadAsync(string packageDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(packageDirectory);
        var path = Path.Combine(Path.GetFullPath(packageDirectory), PackageManifest.FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("The package has no manifest.", path);
        }
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);
        PackageManifest? manifest;
        try
        {
            manifest = await JsonSerializer.DeserializeAsync<PackageManifest>(stream, PackageJson.Options, cancellationToken);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid package manifest: {e.Message}", e);
        }
        if (manifest is null)
        {
            throw new InvalidDataException($"{path} is empty.");
        }
        if (manifest.FormatVersion != PackageManifest.CurrentFormatVersion)
        {
            throw new InvalidDataException($"Package format version {manifest.FormatVersion} is not supported (expected {PackageManifest.CurrentFormatVersion}).");
        }
        return manifest;
    }

    public async Task<PackageVerification> VerifyAsync(string packageDirectory, CancellationToken cancellationToken = default)
    {
        var manifest = await ReadAsync(packageDirectory, cancellationToken);
        var root = Path.GetFullPath(packageDirectory);
        var problems = new List<PackageProblem>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in manifest.Files)
        {
            listed.Add(file.Path);
            var full = Path.GetFullPath(Path.Combine(root, file.Path));
            if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                problems.Add(new PackageProblem(file.Path, PackageProblemKind.InvalidPath));
                continue;
            }
            if (!File.Exists(full))
            {
                problems.Add(new PackageProblem(file.Path, PackageProblemKind.Missing));
                continue;
            }
            var length = new FileInfo(full).Length;
            if (length != file.Bytes)
            {
                problems.Add(new PackageProblem(file.Path, PackageProblemKind.SizeMismatch, file.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture), length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                continue;
            }
            var (_, hash) = await PackageFiles.HashAsync(full, cancellationToken);
            if (!string.Equals(hash, file.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add(new PackageProblem(file.Path, PackageProblemKind.HashMismatch, file.Sha256, hash));
            }
        }
        foreach (var present in PackageFiles.Enumerate(root))
        {
            if (present != PackageManifest.FileName && !listed.Contains(present))
            {
                problems.Add(new PackageProblem(present, PackageProblemKind.Unlisted));
            }
        }
        return new PackageVerification(manifest, problems);
    }
}
