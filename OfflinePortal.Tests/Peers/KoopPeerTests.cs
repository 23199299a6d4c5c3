using System.Text.Json;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.Peers;

/// <summary>The Koop peer starts and answers as the toolchain notes say: a query-only FeatureServer.</summary>
public sealed class KoopPeerTests
{
    [Fact]
    public async Task Koop_ServesGeoJsonAsQueryOnlyFeatureServer()
    {
        await using var koop = await KoopServer.StartAsync(dir =>
            KoopServer.WritePoints(dir, "hydrants", Enumerable.Range(0, 25).Select(i => (-122.7 + i * 0.001, 42.19))));
        using var http = new HttpClient();
        using var root = JsonDocument.Parse(await http.GetStringAsync(koop.FeatureServerUrl("hydrants") + "?f=json"));
        Assert.Equal("Query", root.RootElement.GetProperty("capabilities").GetString());
        Assert.False(root.RootElement.GetProperty("syncEnabled").GetBoolean());
        using var count = JsonDocument.Parse(await http.GetStringAsync(koop.FeatureServerUrl("hydrants") + "/0/query?where=1%3D1&returnCountOnly=true&f=json"));
        Assert.Equal(25, count.RootElement.GetProperty("count").GetInt32());
    }
}
