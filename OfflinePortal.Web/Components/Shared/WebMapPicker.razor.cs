using Microsoft.AspNetCore.Components;
using OfflinePortal.Core.WebMaps;

namespace OfflinePortal.Web.Components.Shared;

/// <summary>Finds a web map of the source portal by title or tags (the portal's search) and reports the one picked.</summary>
public sealed partial class WebMapPicker
{
    private string? _error;

    [Inject]
    public required WebMapCatalog Catalog { get; init; }

    /// <summary>Raised with the web map picked.</summary>
    [Parameter]
    public EventCallback<WebMapSummary> OnPicked { get; set; }

    [Parameter]
    public string Label { get; set; } = "Find a web map";

    [Parameter]
    public string Id { get; set; } = "webmap-picker";

    [Parameter]
    public bool ReadOnly { get; set; }

    private async Task<IEnumerable<WebMapSummary>> SearchAsync(string? text, CancellationToken cancellationToken)
    {
        try
        {
            var page = await Catalog.SearchAsync(new WebMapSearch { Text = text, Num = 10, Sort = Core.ArcGis.Portal.PortalSortField.Title, Descending = false },
                cancellationToken);
            _error = null;
            return page.Items;
        }
        catch (WebMapCatalogException e)
        {
            _error = e.Message;
            return [];
        }
    }

    private async Task PickAsync(WebMapSummary? map)
    {
        if (map is not null)
        {
            await OnPicked.InvokeAsync(map);
        }
    }
}
