namespace OfflinePortal.Tests.Infrastructure;

/// <summary>Locations the tests read: the repository root and <c>../shared</c> beside it (design, spec, fixtures).</summary>
public static class TestPaths
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    public static string RepositoryRoot => Root.Value;

    public static string Shared => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    public static string Fixtures => Path.Combine(Shared, "arcgis-rest", "fixtures");

    public static string Fixture(string name) => Path.Combine(Fixtures, name);

    /// <summary>A new empty folder under the system temp folder; delete it with <see cref="DeleteQuietly"/>.</summary>
    public static string NewTempDirectory(string purpose)
    {
        var path = Path.Combine(Path.GetTempPath(), "offlineportal-tests", $"{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    public static void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OfflinePortal.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("OfflinePortal.sln not found above " + AppContext.BaseDirectory);
    }
}
