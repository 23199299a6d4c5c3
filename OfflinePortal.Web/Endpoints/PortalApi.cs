namespace OfflinePortal.Web.Endpoints;

/// <summary>The versioned HTTP API (<c>/api/v1</c>): jobs, crews and areas, web maps (with capability report, estimate and preview proxy), API keys.</summary>
public static class PortalApi
{
    public const string Prefix = "/api/v1";

    public static RouteGroupBuilder MapPortalApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(Prefix).DisableAntiforgery();
        api.MapJobsEndpoints();
        api.MapAreasEndpoints();
        api.MapWebMapsEndpoints();
        api.MapApiKeysEndpoints();
        return api;
    }
}
