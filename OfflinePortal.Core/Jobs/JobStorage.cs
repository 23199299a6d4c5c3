using Microsoft.EntityFrameworkCore;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Jobs;

/// <summary>Small database and file helpers shared by the runner, the service and the retention sweeper.</summary>
internal static class JobStorage
{
    public static async Task<int> NextLogSequenceAsync(PortalDbContext db, Guid jobId, CancellationToken cancellationToken) =>
        (await db.JobLogEntries.Where(e => e.JobId == jobId).MaxAsync(e => (int?)e.Sequence, cancellationToken).ConfigureAwait(false) ?? 0) + 1;

    /// <summary>Removes a job's temporary package siblings (<c>&lt;jobId&gt;.*</c>) and, unless kept, the package folder itself.</summary>
    public static void DeletePackageFolders(PortalPaths paths, Guid jobId, bool keepPackage = false)
    {
        if (!Directory.Exists(paths.PackagesDirectory))
        {
            return;
        }
        var name = PortalPaths.JobFolderName(jobId);
        // Filtered by hand: the "name.*" search pattern also matches "name" itself (DOS semantics).
        foreach (var folder in Directory.EnumerateDirectories(paths.PackagesDirectory, name + "*"))
        {
            var folderName = Path.GetFileName(folder);
            if ((folderName == name && !keepPackage) || folderName.StartsWith(name + ".", StringComparison.Ordinal))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        var zip = Path.Combine(paths.PackagesDirectory, name + ".zip");
        if (!keepPackage && File.Exists(zip))
        {
            File.Delete(zip);
        }
    }

    public static long DirectorySize(string path) =>
        Directory.Exists(path)
            ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
            : 0;
}
