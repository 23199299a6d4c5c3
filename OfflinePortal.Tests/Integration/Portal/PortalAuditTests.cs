using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Tests.Integration.Portal;

/// <summary>The audit trail: records cannot be edited, the CSV export is RFC 4180 and formula-safe, retention keeps records.</summary>
public sealed class PortalAuditTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task FinishedJob_CannotBeChangedOrDeleted_ButItsPackageCanBeMarkedDeleted()
    {
        var id = await AddFinishedJobAsync("Immutable", JobState.Succeeded, DateTime.UtcNow.AddHours(-1), withPackage: false);
        await using (var db = await factory.Db.CreateDbContextAsync())
        {
            var job = await db.Jobs.SingleAsync(j => j.Id == id);
            job.Error = "rewritten history";
            await Assert.ThrowsAsync<AuditRecordImmutableException>(() => db.SaveChangesAsync());
        }
        await using (var db = await factory.Db.CreateDbContextAsync())
        {
            // A detached, doctored copy cannot pass either: the check reads the stored row.
            db.Update(new Job { Id = id, CreatedByUserId = "x", CreatedByName = "x", WebMapId = "x", AreaName = "x", AreaGeoJson = "{}", State = JobState.Running });
            await Assert.ThrowsAsync<AuditRecordImmutableException>(() => db.SaveChangesAsync());
        }
        await using (var db = await factory.Db.CreateDbContextAsync())
        {
            db.Jobs.Remove(await db.Jobs.SingleAsync(j => j.Id == id));
            await Assert.ThrowsAsync<AuditRecordImmutableException>(() => db.SaveChangesAsync());
        }
        await using (var db = await factory.Db.CreateDbContextAsync())
        {
            var entry = await db.JobLogEntries.FirstAsync(e => e.JobId == id);
            entry.Message = "nothing happened";
            await Assert.ThrowsAsync<AuditRecordImmutableException>(() => db.SaveChangesAsync());
        }
        await using (var db = await factory.Db.CreateDbContextAsync())
        {
            var job = await db.Jobs.SingleAsync(j => j.Id == id);
            job.PackageDeletedUtc = DateTime.UtcNow;
            await db.SaveChangesAsync();
        }
        await using (var db = await factory.Db.CreateDbContextAsync())
        {
            var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id);
            Assert.NotNull(job.PackageDeletedUtc);
            Assert.Null(job.Error);
        }
    }

    [Fact]
    public async Task CsvExport_QuotesFieldsAndNeutralisesFormulas()
    {
        var marker = "csv-" + Guid.NewGuid().ToString("N")[..8];
        await AddFinishedJobAsync($"=HYPERLINK(\"http://evil\") {marker}", JobState.Failed, DateTime.UtcNow, error: "line one\nline \"two\", with comma");
        await AddFinishedJobAsync($"+1 {marker}", JobState.Succeeded, DateTime.UtcNow, crewName: "@crew", user: "-Mallory");

        using var client = await factory.SignedInClientAsync(PortalRoles.Auditor);
        using var response = await client.GetAsync($"/api/v1/jobs/export.csv?text={marker}&sort=Area&desc=false");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var csv = await response.Content.ReadAsStringAsync();
        var rows = ParseCsv(csv);
        Assert.Equal(JobCsvWriter.Header, rows[0]);
        Assert.Equal(3, rows.Count);
        var area = rows[0].IndexOf("Area");
        Assert.Equal($"'+1 {marker}", rows[1][area]);
        Assert.Equal($"'=HYPERLINK(\"http://evil\") {marker}", rows[2][area]);
        Assert.Equal("'@crew", rows[1][rows[0].IndexOf("Crew")]);
        Assert.Equal("'-Mallory", rows[1][rows[0].IndexOf("User")]);
        Assert.Equal("line one\nline \"two\", with comma", rows[2][rows[0].IndexOf("Error")]);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil\"\") ", csv, StringComparison.Ordinal);
        Assert.EndsWith("\r\n", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_DeletesOldPackages_KeepsTheirRecords()
    {
        var old = await AddFinishedJobAsync("Old package", JobState.Succeeded, DateTime.UtcNow.AddDays(-10), withPackage: true);
        var recent = await AddFinishedJobAsync("Recent package", JobState.Succeeded, DateTime.UtcNow.AddDays(-1), withPackage: true);
        await factory.Services.GetRequiredService<PortalSettingsService>().SetRetentionAsync(7, "test", CancellationToken.None);

        var deleted = await factory.Services.GetRequiredService<PackageRetentionSweeper>().SweepAsync(CancellationToken.None);

        Assert.True(deleted >= 1);
        Assert.False(Directory.Exists(factory.Paths.PackageDirectory(old)));
        Assert.True(Directory.Exists(factory.Paths.PackageDirectory(recent)));
        await using var db = await factory.Db.CreateDbContextAsync();
        var record = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == old);
        Assert.NotNull(record.PackageDeletedUtc);
        Assert.Equal(JobState.Succeeded, record.State);
        Assert.Equal(1234, record.PackageBytes);
        Assert.Contains(await db.JobLogEntries.Where(e => e.JobId == old).Select(e => e.Message).ToListAsync(), m => m.Contains("retention period of 7 days", StringComparison.Ordinal));

        using var api = await factory.ApiClientAsync(PortalRoles.Supervisor);
        using var download = await api.GetAsync($"/api/v1/jobs/{old}/package");
        Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
        Assert.Contains("deleted", await download.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/v1/jobs/{recent}/package")).StatusCode);
        await factory.Services.GetRequiredService<PortalSettingsService>().SetRetentionAsync(null, "test", CancellationToken.None);
    }

    /// <summary>A finished job as the runner would have left it (inserting is allowed; changing is not).</summary>
    private async Task<Guid> AddFinishedJobAsync(string areaName, JobState state, DateTime finishedUtc, bool withPackage = false,
        string? error = null, string? crewName = null, string user = "Auditor Tester")
    {
        var id = Guid.NewGuid();
        if (withPackage)
        {
            var folder = factory.Paths.PackageDirectory(id);
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, "package.json"), new byte[1234]);
        }
        await using var db = await factory.Db.CreateDbContextAsync();
        db.Jobs.Add(new Job
        {
            Id = id,
            CreatedByUserId = "u-" + user,
            CreatedByName = user,
            CreatedUtc = finishedUtc.AddMinutes(-5),
            StartedUtc = finishedUtc.AddMinutes(-4),
            FinishedUtc = finishedUtc,
            DurationSeconds = 240,
            WebMapId = "webmap-audit",
            WebMapTitle = "Audit map",
            AreaName = areaName,
            AreaGeoJson = PortalTestData.SquareGeoJson,
            CrewName = crewName,
            State = state,
            Error = error,
            PackagePath = withPackage ? PortalPaths.JobFolderName(id) : null,
            PackageBytes = withPackage ? 1234 : null,
        });
        db.JobLogEntries.Add(new JobLogEntry { JobId = id, Sequence = 1, TimestampUtc = finishedUtc, Message = "Job finished." });
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>An RFC 4180 reader, independent of the writer under test.</summary>
    private static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else
            {
                field.Append(c);
            }
        }
        return rows;
    }
}
