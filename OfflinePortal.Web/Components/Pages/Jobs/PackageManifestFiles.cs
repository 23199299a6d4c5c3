using System.Text.Json;

namespace OfflinePortal.Web.Components.Pages.Jobs;

/// <summary>A file listed in a package's manifest.</summary>
public sealed record PackageFile(string Path, long? Bytes, string? Sha256);

/// <summary>Reads the <c>files</c> list (path, bytes, sha256) of a package's <c>package.json</c>, when the package has one.</summary>
public static class PackageManifestFiles
{
    public const string ManifestName = "package.json";

    public static async Task<IReadOnlyList<PackageFile>?> ReadAsync(string? packageDirectory, CancellationToken cancellationToken)
    {
        if (packageDirectory is null)
        {
            return null;
        }
        var path = Path.Combine(packageDirectory, ManifestName);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            await using var stream = File.OpenRead(path);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            if (!document.RootElement.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
            var list = new List<PackageFile>();
            foreach (var file in files.EnumerateArray())
            {
                if (file.ValueKind != JsonValueKind.Object || !file.TryGetProperty("path", out var p) || p.ValueKind != JsonValueKind.String)
                {
                    continue;
                }
                long? bytes = file.TryGetProperty("bytes", out var b) && b.TryGetInt64(out var n) ? n : null;
                var sha = file.TryGetProperty("sha256", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                list.Add(new PackageFile(p.GetString()!, bytes, sha));
            }
            return list;
        }
        catch (JsonException)
        {
            return null; // a broken manifest is the engine's problem to report; the page just shows no file list
        }
    }
}
