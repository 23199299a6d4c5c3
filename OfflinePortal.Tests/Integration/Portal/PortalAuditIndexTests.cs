using Microsoft.EntityFrameworkCore;
using OfflinePortal.Core.Jobs;

namespace OfflinePortal.Tests.Integration.Portal;

/// <summary>
/// Every sort the audit offers, either way, pages through an index on the migrated database: SQLite's plan for a
/// deep page has no temporary sort. A job row carries its options (with the item thumbnail, tens of kilobytes) before
/// the sorted columns, so a sort of the whole table read gigabytes (1.2 s per page over 100,000 jobs, audit benchmark).
/// </summary>
public sealed class PortalAuditIndexTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    public static TheoryData<JobSortColumn, bool> Sorts()
    {
        var data = new TheoryData<JobSortColumn, bool>();
        foreach (var column in Enum.GetValues<JobSortColumn>())
        {
            data.Add(column, false);
            data.Add(column, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task SortedPage_WalksAnIndex_WithoutSortingTheTable(JobSortColumn column, bool descending)
    {
        await using var db = await factory.Db.CreateDbContextAsync();
        var page = JobService.Sort(db.Jobs.AsNoTracking(), new JobQuery { SortBy = column, Descending = descending }).Skip(5000).Take(25);
        await using var command = page.CreateDbCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        if (command.Connection!.State != System.Data.ConnectionState.Open)
        {
            await command.Connection.OpenAsync();
        }
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }
        var text = string.Join(" | ", plan);
        Assert.DoesNotContain("TEMP B-TREE", text, StringComparison.Ordinal);
        Assert.Contains("USING INDEX", text, StringComparison.Ordinal);
    }
}
