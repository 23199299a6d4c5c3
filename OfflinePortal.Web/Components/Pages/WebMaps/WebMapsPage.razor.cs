using System.Globalization;
using Microsoft.AspNetCore.Components;
using OfflinePortal.Core.ArcGis.Portal;
using OfflinePortal.Core.WebMaps;

namespace OfflinePortal.Web.Components.Pages.WebMaps;

/// <summary>
/// The source portal's web maps: search by text, owner and tags, sort, and page with the portal's own paging (one
/// page is asked for at a time; <c>nextStart</c> leads to the next).
/// </summary>
public sealed partial class WebMapsPage
{
    private const int PageSize = 12;

    private static readonly (PortalSortField Field, string Label)[] SortFields =
    [
        (PortalSortField.Modified, "Modified"),
        (PortalSortField.Title, "Title"),
        (PortalSortField.Owner, "Owner"),
        (PortalSortField.Created, "Created"),
        (PortalSortField.NumViews, "Views"),
        (PortalSortField.Relevance, "Relevance"),
    ];

    private string? _text;
    private string? _owner;
    private string? _tags;
    private PortalSortField _sort = PortalSortField.Modified;
    private bool _descending = true;
    private WebMapSearch _search = new() { Num = PageSize };
    private WebMapSearchPage? _page;
    private bool _loading = true;
    private string? _error;

    [Inject]
    public required WebMapCatalog Catalog { get; init; }

    /// <summary>Free text from a link (e.g. the home page's search box).</summary>
    [SupplyParameterFromQuery(Name = "q")]
    public string? Query { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _text = Query;
        _search = BuildSearch(1);
        await LoadAsync();
    }

    private WebMapSearch BuildSearch(int start) => new()
    {
        Text = _text,
        Owner = _owner,
        Tags = WebMapSearch.SplitTags(_tags),
        Sort = _sort,
        // Title and owner read naturally A to Z; the checkbox turns it round.
        Descending = _descending,
        Start = start,
        Num = PageSize,
    };

    private async Task SearchAsync()
    {
        _search = BuildSearch(1);
        await LoadAsync();
    }

    private async Task ClearAsync()
    {
        (_text, _owner, _tags, _sort, _descending) = (null, null, null, PortalSortField.Modified, true);
        await SearchAsync();
    }

    private async Task NextAsync()
    {
        if (_page is { HasMore: true } page)
        {
            _search = _search with { Start = page.NextStart };
            await LoadAsync();
        }
    }

    private async Task PreviousAsync()
    {
        if (_page?.PreviousStart is { } start)
        {
            _search = _search with { Start = start };
            await LoadAsync();
        }
    }

    private async Task LoadAsync()
    {
        _loading = true;
        _error = null;
        try
        {
            _page = await Catalog.SearchAsync(_search, CancellationToken.None);
        }
        catch (WebMapCatalogException e)
        {
            _page = null;
            _error = e.Message;
        }
        finally
        {
            _loading = false;
        }
    }

    private static string ThumbnailUrl(WebMapSummary map) => $"api/v1/webmaps/{Uri.EscapeDataString(map.Id)}/thumbnail";

    private static string Modified(WebMapSummary map) =>
        map.Modified?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—";

    private static string PageText(WebMapSearchPage page)
    {
        if (page.Items.Count == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{page.Total:N0} web maps found.");
        }
        var last = page.Start + page.Items.Count - 1;
        return string.Create(CultureInfo.InvariantCulture, $"Web maps {page.Start:N0}–{last:N0} of {page.Total:N0}.");
    }
}
