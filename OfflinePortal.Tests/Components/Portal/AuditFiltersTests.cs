using Bunit;
using MudBlazor;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Web.Components.Pages.Audit;

namespace OfflinePortal.Tests.Components.Portal;

/// <summary>The audit's filters turn the user's choices into the right server-side <see cref="JobQuery"/>.</summary>
public sealed class AuditFiltersTests : PortalComponentContext
{
    private static readonly AuditFilterOptions Options = new(
        [new("u-1", "Ann"), new("u-2", "Bob")],
        [new("wm-1", "Water (wm-1)")],
        [new(7, "North crew")]);

    [Fact]
    public async Task AuditFilters_EachChoice_ProducesTheQuery()
    {
        var queries = new List<JobQuery>();
        var cut = Render<AuditFilters>(p => p.Add(f => f.Options, Options).Add(f => f.QueryChanged, q => queries.Add(q)));

        await cut.InvokeAsync(() => cut.FindComponents<MudSelect<string>>()[0].Instance.ValueChanged.InvokeAsync("u-2"));
        await cut.InvokeAsync(() => cut.FindComponents<MudSelect<string>>()[1].Instance.ValueChanged.InvokeAsync("wm-1"));
        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<int?>>().Instance.ValueChanged.InvokeAsync(7));
        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<JobState>>().Instance.SelectedValuesChanged.InvokeAsync([JobState.SucceededWithErrors, JobState.Failed]));
        var pickers = cut.FindComponents<MudDatePicker>();
        await cut.InvokeAsync(() => pickers[0].Instance.DateChanged.InvokeAsync(new DateTime(2026, 3, 1)));
        await cut.InvokeAsync(() => pickers[1].Instance.DateChanged.InvokeAsync(new DateTime(2026, 3, 31)));
        cut.Find("#filter-text").Input("  harbour  ");

        cut.WaitForAssertion(() => Assert.Equal("harbour", queries[^1].Text));
        var query = queries[^1];
        Assert.Equal("u-2", query.UserId);
        Assert.Equal("wm-1", query.WebMapId);
        Assert.Equal(7, query.CrewId);
        Assert.Equal([JobState.SucceededWithErrors, JobState.Failed], query.States);
        Assert.Equal(new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc), query.FromUtc);
        Assert.Equal(DateTimeKind.Utc, query.FromUtc!.Value.Kind);
        Assert.Equal(new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc), query.ToUtc); // the end day is included
        Assert.Equal(0, query.Page);
        Assert.Equal(JobSortColumn.Created, query.SortBy);

        await cut.InvokeAsync(() => cut.FindComponents<MudSelect<string>>()[0].Instance.ValueChanged.InvokeAsync(null));
        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<JobState>>().Instance.SelectedValuesChanged.InvokeAsync([]));
        Assert.Null(queries[^1].UserId);
        Assert.Null(queries[^1].States);
        Assert.Equal("wm-1", queries[^1].WebMapId);
    }

    [Theory]
    [InlineData("AreaName", JobSortColumn.Area)]
    [InlineData("CreatedByName", JobSortColumn.User)]
    [InlineData("DurationSeconds", JobSortColumn.Duration)]
    [InlineData("PackageBytes", JobSortColumn.PackageSize)]
    [InlineData(null, JobSortColumn.Created)]
    public void AuditPage_GridColumn_MapsToServerSort(string? property, JobSortColumn expected) =>
        Assert.Equal(expected, AuditPage.SortColumn(property));
}
