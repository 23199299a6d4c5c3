using Microsoft.AspNetCore.Mvc;
using OfflinePortal.Core;
using OfflinePortal.Core.Areas;
using OfflinePortal.Core.Offline;
using OfflinePortal.Core.WebMaps;

namespace OfflinePortal.Web.Endpoints;

/// <summary>The capability report (JSON or CSV) and the estimate of a web map.</summary>
public static partial class WebMapsEndpoints
{
    /// <summary>
    /// The estimate's input: a saved area (<see cref="AreaId"/>) or an area as GeoJSON (WGS84 Polygon, MultiPolygon,
    /// Feature or FeatureCollection); optional parameters and overrides as the job API takes them (camelCase, enums as
    /// names, geometries as Esri JSON). The area is the area of interest, whatever the parameters hold; no parameters means the author's defaults.
    /// </summary>
    public sealed record EstimateRequest(int? AreaId, string? GeoJson, string? ParametersJson, string? OverridesJson);

    private static void MapCapabilityEndpoints(RouteGroupBuilder maps)
    {
        maps.MapGet("/{id}/capabilities", CapabilitiesAsync).WithName("GetWebMapCapabilities")
            .WithSummary("What each layer and table can do offline, with the reason in words and the remedy; format=csv for a spreadsheet.")
            .Produces<CapabilityReportDocument>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
        maps.MapPost("/{id}/estimate", EstimateAsync).WithName("EstimateWebMap")
            .WithSummary("Tiles per layer and level, features and attachments per layer, total size and each service's tile limit, before anything is downloaded.")
            .Produces<OfflineMapEstimate>();
    }

    private static async Task<IResult> CapabilitiesAsync(string id, string? format, HttpContext context, OfflineMapService offline, CancellationToken cancellationToken)
    {
        var csv = string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase);
        if (!csv && format is not null && !string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = ["Use format=json (the default) or format=csv."] });
        }
        OfflineMapTask task;
        OfflineMapCapabilities capabilities;
        try
        {
            task = await offline.GetTaskAsync(id, cancellationToken);
            capabilities = await task.GetOfflineMapCapabilitiesAsync(cancellationToken);
        }
        catch (WebMapCatalogException e)
        {
            return Problem(e);
        }
        var fileName = $"capabilities-{task.ItemId}.{(csv ? "csv" : "json")}";
        context.Response.Headers.ContentDisposition = context.Request.Query.ContainsKey("download") ? $"attachment; filename=\"{fileName}\"" : $"inline; filename=\"{fileName}\"";
        if (csv)
        {
            context.Response.ContentType = "text/csv; charset=utf-8";
            await OfflineCapabilityReport.WriteCsvAsync(capabilities, context.Response.Body, cancellationToken);
        }
        else
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await OfflineCapabilityReport.WriteJsonAsync(task.ItemId, task.Item.Title, capabilities, context.Response.Body, cancellationToken);
        }
        return Results.Empty;
    }

    private static async Task<IResult> EstimateAsync(string id, [FromBody] EstimateRequest request, AreaService areas, AreaValidator validator,
        OfflineMapService offline, CancellationToken cancellationToken)
    {
        string geoJson;
        if (request.AreaId is { } areaId)
        {
            var area = await areas.GetAreaAsync(areaId, cancellationToken);
            if (area is null)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["areaId"] = [$"Area {areaId} does not exist."] });
            }
            geoJson = area.GeoJson;
        }
        else
        {
            var checkedArea = validator.Validate(request.GeoJson);
            if (!checkedArea.IsValid)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["geoJson"] = [checkedArea.Error!] });
            }
            geoJson = checkedArea.GeoJson!;
        }
        try
        {
            return TypedResults.Ok(await offline.EstimateAsync(id, geoJson, request.ParametersJson, request.OverridesJson, cancellationToken));
        }
        catch (WebMapCatalogException e)
        {
            return Problem(e);
        }
        catch (RequestValidationException e)
        {
            return TypedResults.ValidationProblem(e.Errors.ToDictionary());
        }
    }
}
