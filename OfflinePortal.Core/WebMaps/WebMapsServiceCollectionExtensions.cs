using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Portal;

namespace OfflinePortal.Core.WebMaps;

public static class WebMapsServiceCollectionExtensions
{
    /// <summary>
    /// The web map catalog the pages and the API read (<see cref="WebMapCatalog"/>) and the credential cache of the source
    /// portal (<see cref="PortalAccessProvider"/>). Adds the ArcGIS clients (bound from <paramref name="configuration"/>)
    /// when they are not registered yet. Needs an <see cref="IPortalConnectionProvider"/> (AddPortalAdministration).
    /// </summary>
    public static IServiceCollection AddWebMapCatalog(this IServiceCollection services, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(ArcGisPortalClient)))
        {
            services.AddArcGisClients(configuration);
        }
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PortalAccessProvider>();
        services.TryAddSingleton<WebMapCatalog>();
        return services;
    }
}
