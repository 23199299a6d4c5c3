using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OfflinePortal.Core.Areas;

public static class AreasServiceCollectionExtensions
{
    public static IServiceCollection AddPortalAreas(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AreaValidator>();
        services.TryAddSingleton<AreaService>();
        return services;
    }
}
