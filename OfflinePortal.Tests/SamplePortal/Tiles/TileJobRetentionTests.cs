using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace OfflinePortal.Tests.SamplePortal.Tiles;

/// <summary>Finished export jobs and their files are dropped once the retention time has passed.</summary>
public sealed class TileJobRetentionTests
{
    [Fact]
    public async Task Jobs_PastTheirRetention_AreForgottenWithTheirFiles()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero));
        await using var host = await SampleTileHost.StartAsync(
            hydrants: 100,
            settings: new Dictionary<string, string?> { ["SamplePortal:Tiles:JobRetentionMinutes"] = "30" },
            services: s => s.AddSingleton<TimeProvider>(clock));
        var service = $"{host.ServicesUrl}/Basemap/MapServer";

        async Task<string> RunAsync()
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["levels"] = "12", ["tilePackage"] = "false", ["f"] = "json" });
            using var submitted = await host.Client.PostAsync($"{service}/exportTiles", form);
            var jobId = JsonDocument.Parse(await submitted.Content.ReadAsStringAsync()).RootElement.GetProperty("jobId").GetString()!;
            for (var i = 0; i < 600; i++)
            {
                var job = await TiledMapServiceTests.GetJsonAsync(host.Client, $"{service}/jobs/{jobId}?f=json");
                if (job.GetProperty("jobStatus").GetString() == "esriJobSucceeded")
                {
                    return jobId;
                }
                Assert.NotEqual("esriJobFailed", job.GetProperty("jobStatus").GetString());
                await Task.Delay(50);
            }
            throw new TimeoutException(jobId);
        }

        var first = await RunAsync();
        var folder = (await TiledMapServiceTests.GetJsonAsync(host.Client, $"{service}/jobs/{first}/results/out_service_url?f=json")).GetProperty("value").GetString()!;
        var listing = await TiledMapServiceTests.GetJsonAsync(host.Client, folder + "?f=json");
        var fileUrl = listing.GetProperty("files")[0].GetProperty("url").GetString()!;
        Assert.NotEmpty(await host.Client.GetByteArrayAsync(fileUrl));

        clock.Advance(TimeSpan.FromMinutes(29));
        await RunAsync();
        Assert.Equal(first, (await TiledMapServiceTests.GetJsonAsync(host.Client, $"{service}/jobs/{first}?f=json")).GetProperty("jobId").GetString());

        clock.Advance(TimeSpan.FromMinutes(2));
        await RunAsync(); // a new submission sweeps the expired ones
        var gone = await TiledMapServiceTests.GetJsonAsync(host.Client, $"{service}/jobs/{first}?f=json");
        Assert.Equal(400, gone.GetProperty("error").GetProperty("code").GetInt32());
        using var file = await host.Client.GetAsync(fileUrl);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, file.StatusCode);
    }
}
