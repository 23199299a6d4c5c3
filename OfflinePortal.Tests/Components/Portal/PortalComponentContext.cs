using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Areas;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Offline;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Tests.Infrastructure;
using OfflinePortal.Web.Components.Shared;

namespace OfflinePortal.Tests.Components.Portal;

/// <summary>
/// bUnit context with the portal's real Core services over a temporary SQLite file (migrated), and a signed-in user.
/// Hosted services (runner, sweeper) are not started: tests drive the monitor and services directly.
/// </summary>
public abstract class PortalComponentContext : MudBunitContext, IAsyncLifetime
{
    private readonly string _directory = TestPaths.NewTempDirectory("bunit");

    protected PortalComponentContext()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Portal:DataDirectory"] = _directory,
        }).Build();
        Services.AddLogging();
        Services.AddPortalPersistence(configuration, _directory);
        Services.AddPortalJobs(configuration);
        Services.AddPortalAreas();
        Services.AddPortalAdministration();
        Services.AddOfflineMapService(configuration);
        Services.AddSingleton<ISamplePortalAddress>(new FixedSampleAddress());
        Services.AddSingleton<IAreaMapLayersProvider, SampleAreaMapLayersProvider>();
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
        _auth = AddAuthorization();
    }

    private readonly BunitAuthorizationContext _auth;

    protected string UserId { get; } = "user-" + Guid.NewGuid().ToString("N")[..8];

    protected void SignIn(string role, string name = "Sam Tester")
    {
        var auth = _auth;
        auth.SetAuthorized(name);
        auth.SetRoles(role);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, UserId), new Claim(PortalClaims.DisplayName, name));
    }

    protected T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    protected async Task<PortalDbContext> DbAsync() => await Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    async Task IAsyncLifetime.InitializeAsync()
    {
        // Built by hand: resolving from Services here would freeze the container before the test adds to it.
        var options = new DbContextOptionsBuilder<PortalDbContext>().UseSqlite($"Data Source={Path.Combine(_directory, "portal.db")}").Options;
        await using var db = new PortalDbContext(options);
        await db.Database.MigrateAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        TestPaths.DeleteQuietly(_directory);
    }

    private sealed class FixedSampleAddress : ISamplePortalAddress
    {
        public Uri? SamplePortalUrl => new("http://localhost/sample");
    }
}
