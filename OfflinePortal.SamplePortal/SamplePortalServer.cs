using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OfflinePortal.SamplePortal;

/// <summary>The sample portal hosted on its own (Kestrel on 127.0.0.1, a free port) for tests and benchmarks.</summary>
public sealed class SamplePortalServer : IAsyncDisposable
{
    public const string Prefix = "/sample";

    private readonly WebApplication _app;
    private readonly string? _ownedDirectory;

    private SamplePortalServer(WebApplication app, string root, string? ownedDirectory)
    {
        _app = app;
        _ownedDirectory = ownedDirectory;
        BaseUrl = root.TrimEnd('/') + Prefix;
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234/sample</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>The Sharing API root: <c>{BaseUrl}/sharing/rest</c>.</summary>
    public string PortalUrl => BaseUrl + "/sharing/rest";

    /// <summary>The services root: <c>{BaseUrl}/arcgis/rest/services</c>.</summary>
    public string ServicesUrl => BaseUrl + "/arcgis/rest/services";

    /// <summary>The host's services: <see cref="SamplePortalFaults"/>, the <see cref="Data.SampleStore"/>, options.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server; options are validated first and a bad setting fails the start with every problem listed.</summary>
    public static async Task<SamplePortalServer> StartAsync(Action<SamplePortalOptions>? configure = null, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Without a DataDirectory of the caller's, the store lives in a temp folder that DisposeAsync removes.
        var temp = Path.Combine(Path.GetTempPath(), "offlineportal-sample", Guid.NewGuid().ToString("N"));
        var probe = new SamplePortalOptions { DataDirectory = temp };
        configure?.Invoke(probe);
        var owned = probe.DataDirectory == temp ? temp : null;
        builder.Services.AddSamplePortal(o =>
        {
            o.DataDirectory = temp;
            configure?.Invoke(o);
        });
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.MapSamplePortal(Prefix);
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            DeleteDirectory(owned);
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SamplePortalServer(app, address, owned);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        DeleteDirectory(_ownedDirectory);
    }

    private static void DeleteDirectory(string? path)
    {
        if (path is null || !Directory.Exists(path))
        {
            return;
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
