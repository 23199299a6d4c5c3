using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OfflinePortal.SamplePortal;
using OfflinePortal.SamplePortal.Data;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.SamplePortal.Tiles;

/// <summary>
/// The sample portal (real SQLite store, generated data) on loopback Kestrel under <c>/sample</c>, in its own temp
/// folder. <paramref name="configure"/> may add endpoints (the browser test serves its page and libraries).
/// </summary>
internal sealed class SampleTileHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _directory;

    private SampleTileHost(WebApplication app, string directory, string baseUrl)
    {
        _app = app;
        _directory = directory;
        BaseUrl = baseUrl;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string BaseUrl { get; }

    /// <summary>Absolute URL of the services root, <c>…/sample/arcgis/rest/services</c>.</summary>
    public string ServicesUrl => BaseUrl + "/sample/arcgis/rest/services";

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<SampleTileHost> StartAsync(
        int hydrants = 800,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplication>? configure = null,
        Action<IServiceCollection>? services = null)
    {
        var directory = TestPaths.NewTempDirectory("sample-tiles");
        try
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = directory });
            builder.WebHost.UseKestrel();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }
            services?.Invoke(builder.Services);
            builder.Services.AddSamplePortal(o =>
            {
                o.DataDirectory = directory;
                o.HydrantCount = hydrants;
            });
            var app = builder.Build();
            app.Urls.Add("http://127.0.0.1:0");
            app.MapSamplePortal("/sample");
            configure?.Invoke(app);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new SampleTileHost(app, directory, address.TrimEnd('/'));
        }
        catch
        {
            TestPaths.DeleteQuietly(directory);
            throw;
        }
    }

    /// <summary>The store's own reader, for comparing served tiles with the data.</summary>
    public ISampleFeatureReader Reader => _app.Services.GetRequiredService<ISampleFeatureReader>();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        TestPaths.DeleteQuietly(_directory);
    }
}

/// <summary>One sample portal shared by the tests of a class.</summary>
public sealed class SampleTileHostFixture : IAsyncLifetime
{
    private SampleTileHost? _host;

    internal SampleTileHost Host => _host ?? throw new InvalidOperationException("The host has not started.");

    public async Task InitializeAsync() =>
        _host = await SampleTileHost.StartAsync(settings: new Dictionary<string, string?> { ["SamplePortal:Tiles:MaxExportTilesCount"] = "5000" });

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
