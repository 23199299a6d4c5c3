using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Offline;
using OfflinePortal.SamplePortal.Portal;

namespace OfflinePortal.Tests.Offline;

public sealed class DebugTests(SamplePortalEngineFixture fixture) : IClassFixture<SamplePortalEngineFixture>
{
    [Fact]
    public async Task Debug_Dump()
    {
        var dir = "/tmp/offline-debug/package";
        if (Directory.Exists("/tmp/offline-debug")) Directory.Delete("/tmp/offline-debug", true);
        var task = await fixture.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        var lines = new List<string>();
        var across = new EsriPolygon([[[179.95, 42.0], [179.95, 42.05], [-179.95, 42.05], [-179.95, 42.0], [179.95, 42.0]]]) { SpatialReference = SpatialReference.Wgs84 };
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(across, TestAreas.MinScale, TestAreas.MaxScale);
        var result = await task.GenerateOfflineMap(parameters, dir).RunAsync(null, new Callback<JobMessage>(m => { lock (lines) lines.Add("LOG " + m.Severity + " " + m.Text); }));
        File.WriteAllLines("/tmp/offline-debug/out.txt", lines);
    }
}
