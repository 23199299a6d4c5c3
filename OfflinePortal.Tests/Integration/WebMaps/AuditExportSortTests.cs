using Microsoft.EntityFrameworkCore;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Tests.Integration.Portal;
using OfflinePortal.Web.Endpoints;

namespace OfflinePortal.Tests.Integration.WebMaps;

/// <summary>The audit's CSV export follows the grid's sort as well as its filters (the link the audit page builds).</summary>
public sealed class AuditExportSortTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Theory]
    [InlineData(false, new[] { "Alpha", "Bravo", "Charlie" })]
    [InlineData(true, new[] { "Charlie", "Bravo", "Alpha" })]
    public async Task CsvExport_TheGridsLink_FollowsItsSortAndFilters(bool descending, string[] expected)
    {
        var webMap = "webmap-" + Guid.NewGuid().ToString("N")[..12];
        await AddJobAsync(webMap, "Bravo", minutesAgo: 30);
        await AddJobAsync(webMap, "Charlie", minutesAgo: 20);
        await AddJobAsync(webMap, "Alpha", minutesAgo: 10);
        await AddJobAsync("another-map", "Aardvark", minutesAgo: 5);
        var link = "/api/v1/jobs/export.csv" + JobsEndpoints.JobListParameters.ToQueryString(
            new JobQuery { WebMapId = webMap, SortBy = JobSortColumn.Area, Descending = descending });
        Assert.Contains("sort=Area", link, StringComparison.Ordinal);

        using var api = await factory.ApiClientAsync(PortalRoles.Auditor);
        var lines = (await api.GetStringAsync(link)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        var header = lines[0].Split(',');
        var area = Array.IndexOf(header, "Area");
        Assert.True(area >= 0, lines[0]);
        Assert.Equal(expected, lines.Skip(1).Select(l => l.Split(',')[area]).ToArray());
    }

    private async Task AddJobAsync(string webMap, string areaName, int minutesAgo)
    {
        var when = DateTime.UtcNow.AddMinutes(-minutesAgo);
        await using var db = await factory.Db.CreateDbContextAsync();
        db.Jobs.Add(new Job
        {
            Id = Guid.NewGuid(),
            CreatedByUserId = "u-export",
            CreatedByName = "Export Tester",
            CreatedUtc = when,
            FinishedUtc = when.AddMinutes(1),
            WebMapId = webMap,
            AreaName = areaName,
            AreaGeoJson = PortalTestData.SquareGeoJson,
            State = JobState.Succeeded,
        });
        await db.SaveChangesAsync();
    }
}
