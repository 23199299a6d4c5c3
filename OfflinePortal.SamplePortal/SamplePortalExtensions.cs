using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OfflinePortal.SamplePortal.Data;
using OfflinePortal.SamplePortal.Hosting;
using OfflinePortal.SamplePortal.Http;
using OfflinePortal.SamplePortal.Portal;
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
        services.TryAddSingleton<TokenService>();
        services.TryAddSingleton(sp => new SamplePortalFaults(sp.GetRequiredService<IOptions<SamplePortalOptions>>(), sp.GetRequiredService<TokenService>()));
        services.TryAddSingleton<PortalCatalog>();
        services.TryAddSingleton<PortalEndpoints>();
        services.TryAddSingleton<FeatureServiceEndpoints>();
        services.TryAddSingleton<ReplicaEndpoints>();
        services.AddHostedService<SampleStoreInitializer>();
        services.AddHostedService<ReplicaFileCleaner>();
        services.AddSampleTileServices();
        return services;
    }

    /// <summary>
    /// Maps the portal under <paramref name="prefix"/>: <c>{prefix}/sharing/rest</c> and <c>{prefix}/arcgis/rest/services</c>.
    /// Every endpoint of the returned group (the tile services too) goes through fault injection and token security.
    /// </summary>
    public static IEndpointConventionBuilder MapSamplePortal(this IEndpointRouteBuilder endpoints, string prefix = "/sample")
    {
        prefix = "/" + prefix.Trim('/');
        var sp = endpoints.ServiceProvider;
        var group = endpoints.MapGroup(prefix);
        var pipeline = new PortalPipeline(sp.GetRequiredService<SamplePortalFaults>(), sp.GetRequiredService<TokenService>(), prefix);
        ((IEndpointConventionBuilder)group).Add(b =>
        {
            var inner = b.RequestDelegate;
            if (inner is not null)
            {
                b.RequestDelegate = ctx => pipeline.InvokeAsync(ctx, inner);
            }
        });
        var mapper = new EndpointMapper(group, prefix, sp.GetRequiredService<ILoggerFactory>().CreateLogger("OfflinePortal.SamplePortal"));
        sp.GetRequiredService<PortalEndpoints>().Map(mapper);
        sp.GetRequiredService<FeatureServiceEndpoints>().Map(mapper);
        sp.GetRequiredService<ReplicaEndpoints>().Map(mapper);
        // The tile services (Tiles/) map themselves into the same group here.
        group.MapSampleTileServices(prefix);
        return group;
    }
}
