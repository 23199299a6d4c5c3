using Microsoft.EntityFrameworkCore;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Administration;

/// <summary>Portal-wide settings: package retention.</summary>
public sealed class PortalSettingsService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public async Task<PortalSettings> GetAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.PortalSettings.AsNoTracking().SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false) ?? new PortalSettings();
    }

    /// <summary>Days to keep packages (null or 0 keeps them for ever).</summary>
    public async Task SetRetentionAsync(int? days, string userName, CancellationToken cancellationToken)
    {
        if (days is < 0 or > 36_500)
        {
            throw RequestValidationException.For("PackageRetentionDays", "Enter a number of days between 1 and 36500, or leave it empty to keep packages for ever.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var settings = await db.PortalSettings.SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (settings is null)
        {
            settings = new PortalSettings();
            db.PortalSettings.Add(settings);
        }
        settings.PackageRetentionDays = days is 0 ? null : days;
        settings.UpdatedUtc = time.GetUtcNow().UtcDateTime;
        settings.UpdatedBy = userName;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }
}
