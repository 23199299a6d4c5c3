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
        var task = await fixture.OpenAsync(SampleItemIds.NetworkOverviewMap);
        var caps = await task.GetOfflineMapCapabilitiesAsync();
        var lines = new List<string>();
        foreach (var c in caps.All) lines.Add($"{c.Id} {c.Kind} {c.Status} basemap={c.IsBasemap} authored={c.IsAuthoredOnlineOnly}: {c.Reason}");
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block, TestAreas.MinScale, TestAreas.MaxScale);
        lines.Add(OfflineJson.Serialize(parameters with { ItemInfo = parameters.ItemInfo! with { Thumbnail = null } }));
        var overrides = await task.CreateGenerateOfflineMapParameterOverridesAsync(parameters);
        lines.Add(OfflineJson.Serialize(overrides));
        var estimate = await task.EstimateAsync(parameters);
        lines.Add(System.Text.Json.JsonSerializer.Serialize(estimate, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        var result = await task.GenerateOfflineMap(parameters, dir).RunAsync(null, new Callback<JobMessage>(m => { lock (lines) lines.Add("LOG " + m.Severity + " " + m.Text); }));
        lines.Add("errors: " + string.Join("; ", result.LayerErrors.Values.Select(e => e.Id + ": " + e.Message)));
        File.WriteAllLines("/tmp/offline-debug/out.txt", lines);
    }
}
