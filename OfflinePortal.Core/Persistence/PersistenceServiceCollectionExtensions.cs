using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OfflinePortal.Core.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// The portal database (SQLite under <c>Portal:DataDirectory</c>), its migrator, and Data Protection keys kept beside it.
    /// Returns the resolved folders, which composition code needs before the container is built.
    /// </summary>
    public static PortalPaths AddPortalPersistence(this IServiceCollection services, IConfiguration configuration, string contentRootPath)
    {
        var section = configuration.GetSection(PortalOptions.SectionName);
        services.AddOptions<PortalOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        var paths = PortalPaths.Resolve(section.Get<PortalOptions>() ?? new PortalOptions(), contentRootPath);
        services.TryAddSingleton(paths);
        services.TryAddSingleton(TimeProvider.System);

        services.AddDbContextFactory<PortalDbContext>(options => options
            .UseSqlite(paths.ConnectionString)
            .AddInterceptors(new SqlitePragmaInterceptor(), new AuditImmutabilityInterceptor()));
        services.TryAddScoped(sp => sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext());

        services.AddDataProtection()
            .SetApplicationName("OfflinePortal")
            .PersistKeysToFileSystem(new DirectoryInfo(paths.KeysDirectory));

        // Must come before the job runner: hosted services start in registration order.
        services.AddHostedService<DatabaseMigrator>();
        return paths;
    }
}
