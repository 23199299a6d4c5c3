using Microsoft.AspNetCore.Http.HttpResults;
using OfflinePortal.Core;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Areas;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Web.Security;

namespace OfflinePortal.Web.Endpoints;

/// <summary>Crews and areas under <c>/api/v1</c>: everyone with a role reads, Admin and Supervisor change.</summary>
public static class AreasEndpoints
{
    public sealed record CrewRequest(string Name, string? Notes);

    public sealed record CrewResponse(int Id, string Name, string? Notes);

    public sealed record AreaResponse(int Id, string Name, string WebMapId, string? WebMapTitle, int? CrewId, string? CrewName, string GeoJson,
        double[] Bbox, DateTime UpdatedUtc, string UpdatedBy);

    public static RouteGroupBuilder MapAreasEndpoints(this RouteGroupBuilder api)
    {
        var crews = api.MapGroup("/crews").WithTags("Crews").RequireAuthorization(PortalPolicies.CanView);
        crews.MapGet("/", async (AreaService areas, CancellationToken ct) =>
            (await areas.ListCrewsAsync(ct)).Select(c => new CrewResponse(c.Id, c.Name, c.Notes)).ToList()).WithName("ListCrews");
        crews.MapPost("/", async Task<Results<Created<CrewResponse>, ValidationProblem>> (CrewRequest request, AreaService areas, CancellationToken ct) =>
        {
            try
            {
                var crew = await areas.SaveCrewAsync(null, request.Name, request.Notes, ct);
                return TypedResults.Created($"/api/v1/crews/{crew.Id}", new CrewResponse(crew.Id, crew.Name, crew.Notes));
            }
            catch (RequestValidationException ex)
            {
                return TypedResults.ValidationProblem(ex.Errors.ToDictionary());
            }
        }).WithName("CreateCrew").RequireAuthorization(PortalPolicies.CanOperate);

        var areasGroup = api.MapGroup("/areas").WithTags("Areas").RequireAuthorization(PortalPolicies.CanView);
        areasGroup.MapGet("/", async (AreaService areas, string? webMap, CancellationToken ct) => await areas.ListAreasAsync(webMap, ct)).WithName("ListAreas");
        areasGroup.MapGet("/{id:int}", async Task<Results<Ok<AreaResponse>, NotFound>> (int id, AreaService areas, CancellationToken ct) =>
            await areas.GetAreaAsync(id, ct) is { } area ? TypedResults.Ok(ToResponse(area)) : TypedResults.NotFound()).WithName("GetArea");
        areasGroup.MapPost("/", (AreaInput input, HttpContext context, AreaService areas, CancellationToken ct) => SaveAsync(null, input, context, areas, ct))
            .WithName("CreateArea").RequireAuthorization(PortalPolicies.CanOperate);
        areasGroup.MapPut("/{id:int}", (int id, AreaInput input, HttpContext context, AreaService areas, CancellationToken ct) => SaveAsync(id, input, context, areas, ct))
            .WithName("UpdateArea").RequireAuthorization(PortalPolicies.CanOperate);
        areasGroup.MapDelete("/{id:int}", async (int id, AreaService areas, CancellationToken ct) =>
        {
            await areas.DeleteAreaAsync(id, ct);
            return TypedResults.NoContent();
        }).WithName("DeleteArea").RequireAuthorization(PortalPolicies.CanOperate);
        return api;
    }

    private static async Task<Results<Ok<AreaResponse>, ValidationProblem>> SaveAsync(int? id, AreaInput input, HttpContext context, AreaService areas, CancellationToken ct)
    {
        try
        {
            var saved = await areas.SaveAreaAsync(id, input, context.User.Name(), ct);
            return TypedResults.Ok(ToResponse((await areas.GetAreaAsync(saved.Id, ct))!));
        }
        catch (RequestValidationException ex)
        {
            return TypedResults.ValidationProblem(ex.Errors.ToDictionary());
        }
    }

    private static AreaResponse ToResponse(Area a) =>
        new(a.Id, a.Name, a.WebMapId, a.WebMapTitle, a.CrewId, a.Crew?.Name, a.GeoJson, [a.MinX, a.MinY, a.MaxX, a.MaxY], a.UpdatedUtc, a.UpdatedBy);
}
