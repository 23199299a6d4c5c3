using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OfflinePortal.SamplePortal;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.SamplePortal;

/// <summary>
/// The sample portal set up the way the web app does it, from configuration (<c>SamplePortal:*</c>): faults are off by
/// default, <c>SamplePortal:Faults:*</c> take effect with their path filters, and tokens expire after
/// <c>SamplePortal:Security:TokenLifetime</c> on the portal's clock.
/// </summary>
public sealed class SamplePortalConfigurationTests
{
    /// <summary>A host built from configuration only, like <c>OfflinePortal.Web</c> does.</summary>
    private sealed class ConfiguredHost : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly string _dir;

        private ConfiguredHost(WebApplication app, string dir, string baseUrl)
        {
            _app = app;
            _dir = dir;
            BaseUrl = baseUrl;
        }

        public string BaseUrl { get; }

        public string Services => BaseUrl + "/sample/arcgis/rest/services";

        public string Portal => BaseUrl + "/sample/sharing/rest";

        public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

        public SamplePortalFaults Faults => _app.Services.GetRequiredService<SamplePortalFaults>();

        public static async Task<ConfiguredHost> StartAsync(IDictionary<string, string?> settings, TimeProvider? time = null)
        {
            var dir = TestPaths.NewTempDirectory("sample-config");
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = dir });
            builder.WebHost.UseKestrel();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
            {
                ["SamplePortal:DataDirectory"] = dir,
                ["SamplePortal:HydrantCount"] = "60",
            });
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }
            builder.Services.AddSamplePortal(builder.Configuration);
            var app = builder.Build();
            app.Urls.Add("http://127.0.0.1:0");
            app.MapSamplePortal("/sample");
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new ConfiguredHost(app, dir, address.TrimEnd('/'));
        }

        public async Task<(HttpStatusCode Status, string Body)> GetAsync(string url)
        {
            using var response = await Http.GetAsync(url);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            TestPaths.DeleteQuietly(_dir);
        }
    }

    [Fact]
    public async Task Faults_NotConfigured_AreOff()
    {
        await using var host = await ConfiguredHost.StartAsync(new Dictionary<string, string?>());
        var f = host.Faults;
        Assert.Equal(TimeSpan.Zero, f.Latency);
        Assert.Equal(0, f.ErrorRate);
        Assert.Equal(0, f.DropConnectionRate);
        Assert.Equal(0, f.PendingBurstFailures);
        for (var i = 0; i < 30; i++)
        {
            var (status, body) = await host.GetAsync($"{host.Services}/WaterNetwork/FeatureServer/{i % 4}/query?where=1%3D1&returnCountOnly=true&f=json");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True(JsonDocument.Parse(body).RootElement.TryGetProperty("count", out _), body);
        }
    }

    [Fact]
    public async Task Faults_FromConfiguration_ErrorRateBurstsAndDropsRespectTheirPaths()
    {
        await using var host = await ConfiguredHost.StartAsync(new Dictionary<string, string?>
        {
            ["SamplePortal:Faults:ErrorRate"] = "1.0",
            ["SamplePortal:Faults:ErrorStatusCode"] = "502",
            ["SamplePortal:Faults:ErrorPathContains"] = "PressureZones",
            ["SamplePortal:Faults:BurstFailures"] = "2",
            ["SamplePortal:Faults:BurstPathContains"] = "CriticalCustomers",
            ["SamplePortal:Faults:DropConnectionRate"] = "1",
            ["SamplePortal:Faults:DropAfterBytes"] = "40",
            ["SamplePortal:Faults:DropPathContains"] = "WaterNetwork/FeatureServer/2",
        });
        Assert.Equal(1.0, host.Faults.ErrorRate);
        Assert.Equal(502, host.Faults.ErrorStatusCode);
        Assert.Equal(2, host.Faults.PendingBurstFailures);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.BadGateway, (await host.GetAsync($"{host.Services}/PressureZones/FeatureServer/0?f=json")).Status);
        }
        Assert.Equal(HttpStatusCode.BadGateway, (await host.GetAsync($"{host.Services}/CriticalCustomers/FeatureServer?f=json")).Status);
        Assert.Equal(HttpStatusCode.BadGateway, (await host.GetAsync($"{host.Services}/CriticalCustomers/FeatureServer?f=json")).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync($"{host.Services}/CriticalCustomers/FeatureServer?f=json")).Status);
        await Assert.ThrowsAnyAsync<Exception>(async () => await host.Http.GetStringAsync($"{host.Services}/WaterNetwork/FeatureServer/2?f=json"));

        var (status, body) = await host.GetAsync($"{host.Services}/WaterNetwork/FeatureServer/0?f=json");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(JsonDocument.Parse(body).RootElement.TryGetProperty("fields", out _));
    }

    [Fact]
    public async Task Faults_LatencyFromConfiguration_DelaysOnlyMatchingPaths()
    {
        await using var host = await ConfiguredHost.StartAsync(new Dictionary<string, string?>
        {
            ["SamplePortal:Faults:LatencyMilliseconds"] = "400",
            ["SamplePortal:Faults:LatencyPathContains"] = "/FeatureServer/0/query",
        });
        Assert.Equal(TimeSpan.FromMilliseconds(400), host.Faults.Latency);
        // Warm up so the first-request costs are not mistaken for injected latency.
        await host.GetAsync($"{host.Services}/WaterNetwork/FeatureServer/1/query?where=1%3D1&returnCountOnly=true&f=json");

        var watch = Stopwatch.StartNew();
        var (status, _) = await host.GetAsync($"{host.Services}/WaterNetwork/FeatureServer/0/query?where=1%3D1&returnCountOnly=true&f=json");
        var delayed = watch.Elapsed;
        Assert.Equal(HttpStatusCode.OK, status);
        // A lower bound only: the injected delay cannot be shorter than configured, whatever the machine's load.
        Assert.True(delayed >= TimeSpan.FromMilliseconds(400), $"took {delayed.TotalMilliseconds} ms");
        Assert.Equal(TimeSpan.Zero, host.Faults.Decide("/sample/arcgis/rest/services/WaterNetwork/FeatureServer/1/query").Delay);
        Assert.Equal(TimeSpan.FromMilliseconds(400), host.Faults.Decide("/sample/arcgis/rest/services/WaterNetwork/FeatureServer/0/query").Delay);
    }

    [Fact]
    public async Task Security_TokenLifetimeFromConfiguration_ExpiresNaturallyWith498()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
        await using var host = await ConfiguredHost.StartAsync(new Dictionary<string, string?>
        {
            ["SamplePortal:Security:Enabled"] = "true",
            ["SamplePortal:Security:TokenLifetime"] = "00:05:00",
            ["SamplePortal:Security:Users:0:Username"] = "crew",
            ["SamplePortal:Security:Users:0:Password"] = "secret",
        }, clock);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "crew", ["password"] = "secret", ["client"] = "requestip", ["f"] = "json" });
        using var tokenResponse = await host.Http.PostAsync(host.Portal + "/generateToken", form);
        var issued = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync()).RootElement;
        var token = issued.GetProperty("token").GetString()!;
        Assert.Equal(clock.GetUtcNow().AddMinutes(5).ToUnixTimeMilliseconds(), issued.GetProperty("expires").GetInt64());
        var url = $"{host.Services}/WaterNetwork/FeatureServer?f=json&token={Uri.EscapeDataString(token)}";

        Assert.Equal(0, SamplePortalClient.ErrorCode(JsonDocument.Parse((await host.GetAsync(url)).Body).RootElement));
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(0, SamplePortalClient.ErrorCode(JsonDocument.Parse((await host.GetAsync(url)).Body).RootElement));
        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(498, SamplePortalClient.ErrorCode(JsonDocument.Parse((await host.GetAsync(url)).Body).RootElement));
        Assert.Equal(499, SamplePortalClient.ErrorCode(JsonDocument.Parse((await host.GetAsync($"{host.Services}/WaterNetwork/FeatureServer?f=json")).Body).RootElement));
    }
}
