namespace OfflinePortal.Core.Persistence;

/// <summary>Puts required rows into the database after migrations (roles, the first admin); runs once per start, in order.</summary>
public interface IDatabaseSeeder
{
    Task SeedAsync(PortalDbContext db, IServiceProvider services, CancellationToken cancellationToken);
}
