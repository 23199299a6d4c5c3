using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace OfflinePortal.Core.Persistence;

/// <summary>Used only by <c>dotnet ef</c> to create migrations; the app builds its context in <see cref="PersistenceServiceCollectionExtensions"/>.</summary>
public sealed class PortalDbContextDesignTimeFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
