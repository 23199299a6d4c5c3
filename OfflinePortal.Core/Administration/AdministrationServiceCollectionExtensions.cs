using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Administration;

public static class AdministrationServiceCollectionExtensions
{
    /// <summary>
    /// Users, API keys, the portal connection and settings, and the seeder of roles and the first admin. Identity itself
    /// (stores, cookies) is configured by the host; an <see cref="ISamplePortalAddress"/> must be registered by the host.
    /// </summary>
    public static IServiceCollection AddPortalAdministration(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ApiKeyService>();
        services.TryAddSingleton<UserAdministrationService>();
        services.TryAddSingleton<PortalSettingsService>();
        services.TryAddSingleton<PortalConnectionProvider>();
        services.TryAddSingleton<IPortalConnectionProvider>(sp => sp.GetRequiredService<PortalConnectionProvider>());
        services.AddSingleton<IDatabaseSeeder, IdentitySeeder>();
        return services;
    }
}
