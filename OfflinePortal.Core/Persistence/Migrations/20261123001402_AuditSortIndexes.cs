using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OfflinePortal.Core.Persistence.Migrations
{
    /// <summary>
    /// An index for every column the audit sorts by (with CreatedUtc, its tie-breaker), so that a sorted page walks an
    /// index instead of sorting the whole table. The web map column sorts by COALESCE(WebMapTitle, WebMapId), which EF
    /// cannot declare: that one is an expression index in SQL.
    /// </summary>
    public partial class AuditSortIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Jobs_AreaName_CreatedUtc",
                table: "Jobs",
                columns: new[] { "AreaName", "CreatedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_Attempt_CreatedUtc",
                table: "Jobs",
                columns: new[] { "Attempt", "CreatedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_CreatedByName_CreatedUtc",
                table: "Jobs",
                columns: new[] { "CreatedByName", "CreatedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_CrewName_CreatedUtc",
                table: "Jobs",
                columns: new[] { "CrewName", "CreatedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_DurationSeconds_CreatedUtc",
                table: "Jobs",
                columns: new[] { "DurationSeconds", "CreatedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_FinishedUtc_CreatedUtc",
                table: "Jobs",
                columns: new[] { "FinishedUtc", "CreatedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_PackageBytes_CreatedUtc",
                table: "Jobs",
                columns: new[] { "PackageBytes", "CreatedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_StartedUtc_CreatedUtc",
                table: "Jobs",
                columns: new[] { "StartedUtc", "CreatedUtc" });

            migrationBuilder.Sql("""CREATE INDEX "IX_Jobs_WebMapSort_CreatedUtc" ON "Jobs" (COALESCE("WebMapTitle", "WebMapId"), "CreatedUtc");""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX "IX_Jobs_WebMapSort_CreatedUtc";""");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_AreaName_CreatedUtc",
                table: "Jobs");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_Attempt_CreatedUtc",
                table: "Jobs");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_CreatedByName_CreatedUtc",
                table: "Jobs");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_CrewName_CreatedUtc",
                table: "Jobs");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_DurationSeconds_CreatedUtc",
                table: "Jobs");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_FinishedUtc_CreatedUtc",
                table: "Jobs");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_PackageBytes_CreatedUtc",
                table: "Jobs");

            migrationBuilder.DropIndex(
                name: "IX_Jobs_StartedUtc_CreatedUtc",
                table: "Jobs");
        }
    }
}
