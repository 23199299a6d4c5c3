using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OfflinePortal.Core.Persistence;

/// <summary>
/// Keeps the audit trail as it was written: a finished job never changes except for being marked as having had its
/// package deleted; jobs are never deleted; layer results and log entries are append-only.
/// </summary>
/// <remarks>The finished check reads the row's values from the database, so attaching a doctored entity cannot pass.</remarks>
public sealed class AuditImmutabilityInterceptor : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context)
        {
            foreach (var entry in Candidates(context))
            {
                Check(entry, entry.State == EntityState.Modified && entry.Entity is Job ? entry.GetDatabaseValues() : null);
            }
        }
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context)
        {
            foreach (var entry in Candidates(context))
            {
                var stored = entry.State == EntityState.Modified && entry.Entity is Job
                    ? await entry.GetDatabaseValuesAsync(cancellationToken)
                    : null;
                Check(entry, stored);
            }
        }
        return result;
    }

    private static List<EntityEntry> Candidates(DbContext context) =>
        context.ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Modified or EntityState.Deleted
                        && e.Entity is Job or JobLayerResult or JobLogEntry)
            .ToList();

    private static void Check(EntityEntry entry, PropertyValues? stored)
    {
        switch (entry.Entity)
        {
            case Job job when entry.State == EntityState.Deleted:
                throw new AuditRecordImmutableException($"Job {job.Id} is an audit record and cannot be deleted.");
            case Job job when stored is not null:
                CheckFinishedJob(entry, job, stored);
                break;
            case JobLayerResult or JobLogEntry:
                throw new AuditRecordImmutableException(
                    $"{entry.Metadata.ClrType.Name} rows are part of the audit trail and cannot be {(entry.State == EntityState.Deleted ? "deleted" : "changed")}.");
        }
    }

    private static void CheckFinishedJob(EntityEntry entry, Job job, PropertyValues stored)
    {
        var storedState = stored.GetValue<JobState>(nameof(Job.State));
        if (!storedState.IsFinished())
        {
            return;
        }
        foreach (var property in entry.Properties)
        {
            var name = property.Metadata.Name;
            var before = stored[name];
            var after = property.CurrentValue;
            if (Equals(before, after))
            {
                continue;
            }
            if (name == nameof(Job.PackageDeletedUtc) && before is null)
            {
                continue; // the one allowed change: the package was removed, the record stays
            }
            throw new AuditRecordImmutableException(
                $"Job {job.Id} finished ({storedState}); its audit record cannot be changed ({name}).");
        }
    }
}

/// <summary>Thrown when code tries to change or delete part of the audit trail.</summary>
public sealed class AuditRecordImmutableException(string message) : InvalidOperationException(message);
