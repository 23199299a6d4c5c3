using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OfflinePortal.SamplePortal.Data;
using OfflinePortal.SamplePortal.Hosting;
using OfflinePortal.SamplePortal.Tiles;

namespace OfflinePortal.SamplePortal;

/// <summary>Registers and mounts the sample portal: an ArcGIS-compatible portal and services over generated data.</summary>
public static class SamplePortalExtensions
{
    public static IServiceCollection AddSamplePortal(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSamplePortal(o => configuration.GetSection(SamplePortalOptions.SectionName).Bind(o));

    /// <summary>Registers the sample portal with options set in code (used by <see cref="SamplePortalServer"/>).</summary>
    public static IServiceCollection AddSamplePortal(this IServiceCollection services, Action<SamplePortalOptions> configure)
    {
        services.AddOptions<SamplePortalOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SamplePortalOptions>, SamplePortalOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SampleStore>();
        services.TryAddSingleton<ISampleFeatureReader, SampleFeatureReader>();
        services.AddHostedService<SampleStoreInitializer>();
        services.AddSampleTileServices();
        return services;
    }

    /// <summary>Maps the portal under <paramref name="prefix"/>: <c>{prefix}/sharing/rest</c> and <c>{prefix}/arcgis/rest/services</c>.</summary>
    public static IEndpointConventionBuilder MapSamplePortal(this IEndpointRouteBuilder endpoints, string prefix = "/sample")
    {
        var group = endpoints.MapGroup(prefix);
        group.MapSampleTileServices();
        return group;
    }
}
