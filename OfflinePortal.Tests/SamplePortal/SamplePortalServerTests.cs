using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.SamplePortal;
using OfflinePortal.SamplePortal.Data;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.SamplePortal;

/// <summary>
/// A class of tests against its own sample portal on a loopback port, over a store of its own in a temporary folder
/// (edits made by one class never reach another), started before the first test and removed after the last.
/// </summary>
public abstract class SamplePortalServerTests(string folderPrefix, int hydrantCount) : IAsyncLifetime
{
    /// <summary>A block in the town that holds features of every layer.</summary>
    protected const string Area = "-122.72,42.18,-122.70,42.20";

    private string _dir = null!;

    protected SamplePortalServer Server { get; private set; } = null!;

    protected SamplePortalClient Client { get; private set; } = null!;

    /// <summary>The sync-enabled FeatureServer's URL.</summary>
    protected string Fs => Client.Fs("WaterNetwork");

    protected SampleStore Store => Server.Services.GetRequiredService<SampleStore>();

    public async Task InitializeAsync()
    {
        _dir = TestPaths.NewTempDirectory(folderPrefix);
        await StartAsync();
    }

    /// <summary>Stops the sample portal and starts it again on the same store (what a restart keeps, it keeps).</summary>
    protected async Task RestartAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        await StartAsync();
    }

    private async Task StartAsync()
    {
        Server = await SamplePortalServer.StartAsync(o => { o.HydrantCount = hydrantCount; o.DataDirectory = _dir; });
        Client = new SamplePortalClient(Server);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        TestPaths.DeleteQuietly(_dir);
    }
}
