using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OfflinePortal.SamplePortal;

/// <summary>Registers and mounts the sample portal: an ArcGIS-compatible portal and services over generated data.</summary>
public static class SamplePortalExtensions
{
    public static IServiceCollection AddSamplePortal(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SamplePortalOptions>().Bind(configuration.GetSection(SamplePortalOptions.SectionName));
        return services;
    }

    /// <summary>Maps the portal under <paramref name="prefix"/>: <c>{prefix}/sharing/rest</c> and <c>{prefix}/arcgis/rest/services</c>.</summary>
    public static IEndpointConventionBuilder MapSamplePortal(this IEndpointRouteBuilder endpoints, string prefix = "/sample")
    {
        var group = endpoints.MapGroup(prefix);
        group.MapGet("/sharing/rest/info", () => Results.Json(new
        {
            owningSystemUrl = (string?)null,
            authInfo = new { tokenServicesUrl = "", isTokenBasedSecurity = false },
        }));
        return group;
    }
}
