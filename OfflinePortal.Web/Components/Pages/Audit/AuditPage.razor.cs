using Microsoft.AspNetCore.Components;
using MudBlazor;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Web.Endpoints;

namespace OfflinePortal.Web.Components.Pages.Audit;

/// <summary>Every job ever run; filters, sort and paging happen in SQL (<see cref="JobService.QueryAsync"/>).</summary>
public sealed partial class AuditPage
{
    private MudDataGrid<JobSummary>? _grid;
    private AuditFilterOptions _options = new([], [], []);
    private JobQuery _filters = new();

    [Inject]
    public required JobService Jobs { get; init; }

    private (JobSortColumn SortBy, bool Descending) _sort = (JobSortColumn.Created, true);

    /// <summary>The CSV holds what the grid shows: its filters and its sort (every page).</summary>
    private string ExportUrl => "api/v1/jobs/export.csv" + JobsEndpoints.JobListParameters.ToQueryString(_filters with { SortBy = _sort.SortBy, Descending = _sort.Descending });

    protected override async Task OnInitializedAsync() => _options = await Jobs.GetAuditFilterOptionsAsync(CancellationToken.None);

    private async Task OnFiltersChangedAsync(JobQuery filters)
    {
        _filters = filters;
        if (_grid is not null)
        {
            // MudDataGrid (9.x) starts again from the first page here; AuditPageTests holds it to that.
            await _grid.ReloadServerData();
        }
    }

    private async Task<GridData<JobSummary>> LoadAsync(GridState<JobSummary> state, CancellationToken cancellationToken)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        var query = _filters with
        {
            SortBy = SortColumn(sort?.SortBy),
            Descending = sort?.Descending ?? true,
            Page = state.Page,
            PageSize = state.PageSize,
        };
        if (_sort != (query.SortBy, query.Descending))
        {
            _sort = (query.SortBy, query.Descending);
            StateHasChanged(); // the export link follows the sort
        }
        var page = await Jobs.QueryAsync(query, cancellationToken);
        return new GridData<JobSummary> { Items = page.Items, TotalItems = page.Total };
    }

    /// <summary>Maps a grid column (its property name) to the server-side sort.</summary>
    public static JobSortColumn SortColumn(string? property) => property switch
    {
        nameof(JobSummary.CreatedByName) => JobSortColumn.User,
        nameof(JobSummary.WebMapTitle) => JobSortColumn.WebMap,
        nameof(JobSummary.AreaName) => JobSortColumn.Area,
        nameof(JobSummary.CrewName) => JobSortColumn.Crew,
        nameof(JobSummary.State) => JobSortColumn.State,
        nameof(JobSummary.DurationSeconds) => JobSortColumn.Duration,
        nameof(JobSummary.PackageBytes) => JobSortColumn.PackageSize,
        nameof(JobSummary.StartedUtc) => JobSortColumn.Started,
        nameof(JobSummary.FinishedUtc) => JobSortColumn.Finished,
        _ => JobSortColumn.Created,
    };
}
