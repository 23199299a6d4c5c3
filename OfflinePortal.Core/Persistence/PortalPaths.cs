namespace OfflinePortal.Core.Persistence;

/// <summary>The portal's folders, resolved against the content root once at start.</summary>
public sealed record PortalPaths(string DataDirectory, string PackagesDirectory)
{
    public string DatabasePath => Path.Combine(DataDirectory, "portal.db");

    public string KeysDirectory => Path.Combine(DataDirectory, "keys");

    public string ConnectionString => $"Data Source={DatabasePath}";

    /// <summary>The folder a job writes its package into: <c>&lt;packages&gt;/&lt;jobId&gt;</c>.</summary>
    public string PackageDirectory(Guid jobId) => Path.Combine(PackagesDirectory, JobFolderName(jobId));

    public static string JobFolderName(Guid jobId) => jobId.ToString("D");

    public static PortalPaths Resolve(PortalOptions options, string contentRootPath)
    {
        var data = Path.GetFullPath(Path.Combine(contentRootPath, options.DataDirectory));
        var packages = string.IsNullOrWhiteSpace(options.PackagesDirectory)
            ? Path.Combine(data, "packages")
            : Path.GetFullPath(Path.Combine(contentRootPath, options.PackagesDirectory));
        return new PortalPaths(data, packages);
    }
}
