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

    private string ExportUrl => "api/v1/jobs/export.csv" + JobsEndpoints.JobListParameters.ToQueryString(_filters);

    protected override async Task OnInitializedAsync() => _options = await Jobs.GetAuditFilterOptionsAsync(CancellationToken.None);

    private async Task OnFiltersChangedAsync(JobQuery filters)
    {
        _filters = filters;
        if (_grid is not null)
        {
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
