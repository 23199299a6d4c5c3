using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace OfflinePortal.Core.Persistence;

/// <summary>The portal's database: Identity plus crews, areas, jobs and their audit trail, API keys and settings.</summary>
public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options) : IdentityDbContext<PortalUser>(options)
{
    public DbSet<Crew> Crews => Set<Crew>();

    public DbSet<Area> Areas => Set<Area>();

    public DbSet<Job> Jobs => Set<Job>();

    public DbSet<JobLayerResult> JobLayerResults => Set<JobLayerResult>();

    public DbSet<JobLogEntry> JobLogEntries => Set<JobLogEntry>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<PortalConnectionSettings> PortalConnectionSettings => Set<PortalConnectionSettings>();

    public DbSet<PortalSettings> PortalSettings => Set<PortalSettings>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite keeps no DateTimeKind: everything stored is UTC, so say so when reading back.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<PortalUser>(e => e.Property(u => u.DisplayName).HasMaxLength(256));

        builder.Entity<Crew>(e =>
        {
            e.Property(c => c.Name).HasMaxLength(200).UseCollation("NOCASE");
            e.HasIndex(c => c.Name).IsUnique();
            e.Property(c => c.Notes).HasMaxLength(4000);
        });

        builder.Entity<Area>(e =>
        {
            e.Property(a => a.Name).HasMaxLength(200);
            e.Property(a => a.WebMapId).HasMaxLength(100);
            e.Property(a => a.WebMapTitle).HasMaxLength(500);
            e.HasOne(a => a.Crew).WithMany().HasForeignKey(a => a.CrewId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(a => a.WebMapId);
            e.HasIndex(a => a.CrewId);
            e.HasIndex(a => a.Name);
        });

        builder.Entity<Job>(e =>
        {
            e.Property(j => j.State).HasConversion<int>();
            e.Property(j => j.CreatedByName).HasMaxLength(256);
            e.Property(j => j.WebMapId).HasMaxLength(100);
            e.Property(j => j.WebMapTitle).HasMaxLength(500);
            e.Property(j => j.AreaName).HasMaxLength(200);
            e.Property(j => j.CrewName).HasMaxLength(200);
            e.HasMany(j => j.Layers).WithOne().HasForeignKey(l => l.JobId).OnDelete(DeleteBehavior.Restrict);
            // The audit filters by one column and pages by date; each index serves one filter + the default sort.
            e.HasIndex(j => j.CreatedUtc);
            e.HasIndex(j => new { j.State, j.CreatedUtc });
            e.HasIndex(j => new { j.CreatedByUserId, j.CreatedUtc });
            e.HasIndex(j => new { j.WebMapId, j.CreatedUtc });
            e.HasIndex(j => new { j.CrewId, j.CreatedUtc });
            e.HasIndex(j => new { j.FinishedUtc, j.PackageDeletedUtc });
            e.HasIndex(j => j.RetryOfJobId);
            // Every column the audit sorts by, with its tie-breaker: a sorted page walks an index and reads only its own
            // rows. Without them SQLite sorts the whole table, and a job row holds the options (an item thumbnail of tens
            // of kilobytes) before these columns: 1.2 s per page over 100,000 jobs with 40 KiB thumbnails.
            // (The web map sort, COALESCE(WebMapTitle, WebMapId), has an expression index in the migration.)
            e.HasIndex(j => new { j.StartedUtc, j.CreatedUtc });
            e.HasIndex(j => new { j.FinishedUtc, j.CreatedUtc });
            e.HasIndex(j => new { j.CreatedByName, j.CreatedUtc });
            e.HasIndex(j => new { j.AreaName, j.CreatedUtc });
            e.HasIndex(j => new { j.CrewName, j.CreatedUtc });
            e.HasIndex(j => new { j.DurationSeconds, j.CreatedUtc });
            e.HasIndex(j => new { j.PackageBytes, j.CreatedUtc });
            e.HasIndex(j => new { j.Attempt, j.CreatedUtc });
        });

        builder.Entity<JobLayerResult>(e =>
        {
            e.Property(l => l.Status).HasConversion<int>();
            e.HasIndex(l => l.JobId);
        });

        builder.Entity<JobLogEntry>(e =>
        {
            e.Property(l => l.Level).HasConversion<int>();
            e.HasOne<Job>().WithMany().HasForeignKey(l => l.JobId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(l => new { l.JobId, l.Sequence }).IsUnique();
        });

        builder.Entity<ApiKey>(e =>
        {
            e.Property(k => k.Name).HasMaxLength(200);
            e.Property(k => k.Prefix).HasMaxLength(32);
            e.Property(k => k.Hash).HasMaxLength(64);
            e.HasIndex(k => k.Prefix).IsUnique();
            e.HasIndex(k => k.UserId);
            e.HasOne(k => k.User).WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<PortalConnectionSettings>(e => e.Property(s => s.Id).ValueGeneratedNever());
        builder.Entity<PortalSettings>(e => e.Property(s => s.Id).ValueGeneratedNever());
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class NullableUtcDateTimeConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v == null ? v : v.Value.Kind == DateTimeKind.Utc ? v : v.Value.ToUniversalTime(),
        v => v == null ? v : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc));
}
