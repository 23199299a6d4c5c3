using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace OfflinePortal.Core.Persistence.Migrations;

/// <summary>
/// The audit trail is kept by the database itself, not only by <see cref="AuditImmutabilityInterceptor"/>: bulk
/// updates (ExecuteUpdate / ExecuteDelete) and raw SQL bypass EF's interceptors, these triggers do not. A finished job
/// (State 2..5) may only gain a PackageDeletedUtc; layer results and log entries are never changed or deleted (new
/// log lines may still be added). No model change: the snapshot stays as it was.
/// </summary>
[DbContext(typeof(PortalDbContext))]
[Migration("20261122213000_AuditRecordTriggers")]
public sealed class AuditRecordTriggers : Migration
{
    private static readonly string[] FrozenJobColumns =
    [
        "Id", "CreatedByUserId", "CreatedByName", "CreatedUtc", "StartedUtc", "FinishedUtc", "WebMapId", "WebMapTitle",
        "AreaId", "AreaName", "AreaGeoJson", "CrewId", "CrewName", "ParametersJson", "OverridesJson", "State", "Progress",
        "CurrentStep", "PackagePath", "PackageBytes", "Error", "RetryOfJobId", "Attempt", "RestartCount", "Node", "DurationSeconds",
    ];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var unchanged = string.Join(" AND ", FrozenJobColumns.Select(c => $"NEW.\"{c}\" IS OLD.\"{c}\""));
        migrationBuilder.Sql($"""
            CREATE TRIGGER "Jobs_FinishedIsAuditRecord_Update" BEFORE UPDATE ON "Jobs"
            WHEN OLD."State" >= 2 AND NOT ({unchanged} AND (OLD."PackageDeletedUtc" IS NULL OR NEW."PackageDeletedUtc" IS OLD."PackageDeletedUtc"))
            BEGIN SELECT RAISE(ABORT, 'A finished job is an audit record: only its package may be marked deleted.'); END;
            """);
        migrationBuilder.Sql("""
            CREATE TRIGGER "Jobs_FinishedIsAuditRecord_Delete" BEFORE DELETE ON "Jobs"
            WHEN OLD."State" >= 2
            BEGIN SELECT RAISE(ABORT, 'A finished job is an audit record and cannot be deleted.'); END;
            """);
        foreach (var table in new[] { "JobLayerResults", "JobLogEntries" })
        {
            foreach (var operation in new[] { "UPDATE", "DELETE" })
            {
                migrationBuilder.Sql($"""
                    CREATE TRIGGER "{table}_AuditTrail_{operation}" BEFORE {operation} ON "{table}"
                    BEGIN SELECT RAISE(ABORT, '{table} rows are part of the audit trail and cannot be changed or deleted.'); END;
                    """);
            }
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var trigger in new[]
                 {
                     "Jobs_FinishedIsAuditRecord_Update", "Jobs_FinishedIsAuditRecord_Delete",
                     "JobLayerResults_AuditTrail_UPDATE", "JobLayerResults_AuditTrail_DELETE",
                     "JobLogEntries_AuditTrail_UPDATE", "JobLogEntries_AuditTrail_DELETE",
                 })
        {
            migrationBuilder.Sql($"DROP TRIGGER IF EXISTS \"{trigger}\";");
        }
    }
}
