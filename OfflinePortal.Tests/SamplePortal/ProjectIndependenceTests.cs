using System.Xml.Linq;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.SamplePortal;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.SamplePortal;

/// <summary>
/// The server and client sides of the protocol are written independently (issue 2): OfflinePortal.SamplePortal and
/// OfflinePortal.Core must not reference each other, neither in their project files nor in the built assemblies.
/// </summary>
public sealed class ProjectIndependenceTests
{
    private static List<string> ProjectReferences(string project)
    {
        var path = Path.Combine(TestPaths.RepositoryRoot, project, project + ".csproj");
        Assert.True(File.Exists(path), path);
        return [.. XDocument.Load(path).Descendants().Where(e => e.Name.LocalName == "ProjectReference")
            .Select(e => Path.GetFileNameWithoutExtension(((string?)e.Attribute("Include") ?? "").Replace('\\', '/')))];
    }

    [Theory]
    [InlineData("OfflinePortal.SamplePortal", "OfflinePortal.Core")]
    [InlineData("OfflinePortal.Core", "OfflinePortal.SamplePortal")]
    public void ProjectFile_DoesNotReferenceTheOtherSide(string project, string forbidden)
    {
        var references = ProjectReferences(project);
        Assert.DoesNotContain(references, r => r.Equals(forbidden, StringComparison.OrdinalIgnoreCase));
        // Neither may reach the other through a project that does (the web app and the tests reference both).
        Assert.DoesNotContain(references, r => r.Equals("OfflinePortal.Web", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Assemblies_DoNotReferenceEachOther()
    {
        var sample = typeof(SamplePortalServer).Assembly;
        var core = typeof(SpatialReference).Assembly;
        Assert.Equal("OfflinePortal.SamplePortal", sample.GetName().Name);
        Assert.Equal("OfflinePortal.Core", core.GetName().Name);
        Assert.DoesNotContain(sample.GetReferencedAssemblies(), a => a.Name is "OfflinePortal.Core" or "OfflinePortal.Web");
        Assert.DoesNotContain(core.GetReferencedAssemblies(), a => a.Name is "OfflinePortal.SamplePortal" or "OfflinePortal.Web");
    }
}
