namespace OfflinePortal.Web.Endpoints;

/// <summary>The versioned HTTP API (<c>/api/v1</c>); web maps, capability report and estimate endpoints join this group later.</summary>
public static class PortalApi
{
    public const string Prefix = "/api/v1";

    public static RouteGroupBuilder MapPortalApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(Prefix).DisableAntiforgery();
        api.MapJobsEndpoints();
        api.MapAreasEndpoints();
        return api;
    }
}
