using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OfflinePortal.Core.Persistence;

/// <summary>
/// Applies migrations and runs the seeders when the host starts (eShop's AddMigration pattern). It is registered before
/// the job runner, and hosted services start in order, so no job runs against an old schema.
/// </summary>
public sealed partial class DatabaseMigrator(IServiceProvider services, PortalPaths paths, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(paths.DataDirectory);
        Directory.CreateDirectory(paths.PackagesDirectory);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        LogMigrated(logger, paths.DatabasePath, pending.Count);
        foreach (var seeder in scope.ServiceProvider.GetServices<IDatabaseSeeder>())
        {
            await seeder.SeedAsync(db, scope.ServiceProvider, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Portal database {Path} is up to date ({Count} migrations applied now).")]
    private static partial void LogMigrated(ILogger logger, string path, int count);
}
