using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OfflinePortal.Core.WebMaps;

namespace OfflinePortal.Core.Offline;

public static class OfflineMapServiceCollectionExtensions
{
    /// <summary>
    /// What the portal's web map and new-job pages use: the offline engine (<c>AddOfflineMaps</c>, bound from the
    /// <c>Offline</c> section), the web map catalog, and <see cref="OfflineMapService"/>. Needs the areas and jobs
    /// services (AddPortalAreas, AddPortalJobs) and the portal connection (AddPortalAdministration).
    /// </summary>
    public static IServiceCollection AddOfflineMapService(this IServiceCollection services, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddWebMapCatalog(configuration);
        services.AddOfflineMaps(configuration);
        services.TryAddSingleton<OfflineMapService>();
        return services;
    }
}
