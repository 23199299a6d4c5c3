using Microsoft.AspNetCore.Http.HttpResults;
using OfflinePortal.Core.ArcGis.Portal;
using OfflinePortal.Core.WebMaps;
using OfflinePortal.Web.Security;

namespace OfflinePortal.Web.Endpoints;

/// <summary>
/// The source portal's web maps under <c>/api/v1/webmaps</c>: search with the portal's paging, one web map with its
/// layers, its thumbnail, the capability report (JSON or CSV), the estimate, and the preview proxy. Every role reads.
/// </summary>
public static partial class WebMapsEndpoints
{
    public static RouteGroupBuilder MapWebMapsEndpoints(this RouteGroupBuilder api)
    {
        var maps = api.MapGroup("/webmaps").WithTags("Web maps").RequireAuthorization(PortalPolicies.CanView);
        maps.MapGet("/", SearchAsync).WithName("SearchWebMaps")
            .WithSummary("Web maps of the source portal matching text, owner and tags, one page at a time (the portal's start/num/nextStart).");
        maps.MapGet("/{id}", GetAsync).WithName("GetWebMap").WithSummary("A web map: its item, layers and tables as a tree (groups nested), basemap layers.");
        maps.MapGet("/{id}/thumbnail", ThumbnailAsync).WithName("GetWebMapThumbnail")
            .WithSummary("The web map's thumbnail, read from the portal with the server's credential.")
            .Produces(StatusCodes.Status200OK, contentType: "image/png");
        MapCapabilityEndpoints(maps);
        MapProxy(maps);
        return api;
    }

    /// <summary>The search as query parameters (<c>tags</c> separated by commas; <c>sort</c>: modified, title, owner, created, numViews, relevance).</summary>
    public sealed record WebMapSearchParameters(string? Text, string? Owner, string? Tags, string? Sort, bool? Desc, int? Start, int? Num)
    {
        public WebMapSearch ToSearch() => new()
        {
            Text = Text,
            Owner = Owner,
            Tags = WebMapSearch.SplitTags(Tags),
            Sort = Enum.TryParse<PortalSortField>(Sort, ignoreCase: true, out var sort) && Enum.IsDefined(sort) ? sort : PortalSortField.Modified,
            Descending = Desc ?? true,
            Start = Start ?? 1,
            Num = Num ?? 12,
        };
    }

    public sealed record WebMapResponse(
        string Id,
        string Title,
        string? Owner,
        DateTimeOffset? Modified,
        string? Snippet,
        IReadOnlyList<string> Tags,
        bool IsOfflineEnabled,
        IReadOnlyList<WebMapLayerNode> OperationalLayers,
        IReadOnlyList<WebMapLayerNode> Tables,
        string? BasemapTitle,
        IReadOnlyList<WebMapLayerNode> BasemapLayers,
        double[]? Extent)
    {
        public static WebMapResponse From(WebMapDetails d) => new(
            d.Id, d.Title, d.Item.Owner, d.Item.Modified, d.Item.Snippet, d.Item.Tags, d.Item.IsOfflineEnabled,
            [.. d.Map.OperationalLayers.Select(WebMapLayerNode.From)],
            [.. d.Map.Tables.Select(WebMapLayerNode.From)],
            d.Map.Basemap.Title,
            [.. d.Map.Basemap.Layers.Select(WebMapLayerNode.From)],
            d.Extent is { } e ? [e.XMin, e.YMin, e.XMax, e.YMax] : null);
    }

    private static async Task<IResult> SearchAsync([AsParameters] WebMapSearchParameters parameters, WebMapCatalog catalog, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await catalog.SearchAsync(parameters.ToSearch(), cancellationToken));
        }
        catch (WebMapCatalogException e)
        {
            return Problem(e);
        }
    }

    private static async Task<IResult> GetAsync(string id, WebMapCatalog catalog, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(WebMapResponse.From(await catalog.GetAsync(id, cancellationToken)));
        }
        catch (WebMapCatalogException e)
        {
            return Problem(e);
        }
    }

    private static async Task<IResult> ThumbnailAsync(string id, HttpContext context, WebMapCatalog catalog, CancellationToken cancellationToken)
    {
        try
        {
            var thumbnail = await catalog.GetThumbnailAsync(id, cancellationToken);
            if (thumbnail is null)
            {
                return TypedResults.Problem("This web map has no thumbnail.", statusCode: StatusCodes.Status404NotFound);
            }
            context.Response.Headers.CacheControl = "private, max-age=300";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return TypedResults.File(thumbnail.Content, thumbnail.ContentType);
        }
        catch (WebMapCatalogException e)
        {
            return Problem(e);
        }
    }

    /// <summary>The catalog's failure as a problem answer: 404 for an unknown web map, 400 for a bad request, 502 when the portal cannot answer.</summary>
    internal static ProblemHttpResult Problem(WebMapCatalogException e) => TypedResults.Problem(e.Message, statusCode: e.Failure switch
    {
        WebMapCatalogFailure.NotFound => StatusCodes.Status404NotFound,
        WebMapCatalogFailure.BadRequest => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status502BadGateway,
    });
}
