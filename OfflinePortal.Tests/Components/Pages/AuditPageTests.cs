using Bunit;
using MudBlazor;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Tests.Components.Portal;
using OfflinePortal.Web.Components.Pages.Audit;

namespace OfflinePortal.Tests.Components.Pages;

/// <summary>The audit grid asks Core for the page, size, sort and filters it shows; a new filter starts again at page one.</summary>
public sealed class AuditPageTests : PortalComponentContext
{
    [Fact]
    public async Task AuditGrid_PagesSortsAndFiltersOnTheServer_AndANewFilterGoesBackToThefirstPage()
    {
        SignIn(PortalRoles.Auditor);
        await using (var db = await DbAsync())
        {
            var start = DateTime.UtcNow.AddDays(-1);
            for (var i = 0; i < 30; i++)
            {
                var area = i < 3 ? $"Harbour {(char)('C' - i)}" : $"Block {i:00}";
                db.Jobs.Add(new Job
                {
                    Id = Guid.NewGuid(), CreatedByUserId = "u-1", CreatedByName = "Ann", CreatedUtc = start.AddMinutes(i), FinishedUtc = start.AddMinutes(i + 1),
                    WebMapId = "wm-1", WebMapTitle = "Water", AreaName = area, AreaGeoJson = "{}", State = JobState.Succeeded,
                });
            }
            await db.SaveChangesAsync();
        }
        var cut = Render<AuditPage>();
        var grid = cut.FindComponent<MudDataGrid<JobSummary>>();

        cut.WaitForAssertion(() => Assert.Equal(25, Rows(cut).Count));
        Assert.Contains("Block 29", Rows(cut)[0], StringComparison.Ordinal); // newest first by default
        await cut.InvokeAsync(() => grid.Instance.NavigateTo(Page.Next));
        cut.WaitForAssertion(() => Assert.Equal(5, Rows(cut).Count));
        Assert.Contains("Harbour C", Rows(cut)[^1], StringComparison.Ordinal);

        // On page two, a filter that leaves three jobs: the grid shows them from page one, not an empty page two.
        cut.Find("#filter-text").Input("harbour");
        cut.WaitForAssertion(() => Assert.Equal(3, Rows(cut).Count));
        Assert.Equal(0, grid.Instance.CurrentPage);
        Assert.All(Rows(cut), r => Assert.Contains("Harbour", r, StringComparison.Ordinal));

        await cut.InvokeAsync(() => grid.Instance.SetSortAsync(nameof(JobSummary.AreaName), SortDirection.Ascending, j => j.AreaName));
        cut.WaitForAssertion(() => Assert.Equal(["Harbour A", "Harbour B", "Harbour C"], Rows(cut).Select(r => r[(r.IndexOf("Harbour", StringComparison.Ordinal))..][..9])));

        cut.WaitForAssertion(() =>
        {
            var export = cut.Find("#audit-export").GetAttribute("href")!;
            Assert.Contains("text=harbour", export, StringComparison.Ordinal);
            Assert.Contains("sort=Area", export, StringComparison.Ordinal);
            Assert.Contains("desc=false", export, StringComparison.Ordinal);
        });
    }

    private static List<string> Rows(IRenderedComponent<AuditPage> cut) =>
        [.. cut.FindAll("#audit-grid tbody tr").Select(r => r.TextContent).Where(t => !t.Contains("No job matches", StringComparison.Ordinal))];
}
