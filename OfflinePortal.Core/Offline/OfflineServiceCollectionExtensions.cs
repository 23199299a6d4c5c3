using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Features;
using OfflinePortal.Core.Offline;
using OfflinePortal.Core.Packaging;

namespace Microsoft.Extensions.DependencyInjection;

public static class OfflineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the offline engine: <see cref="OfflineMapTaskFactory"/>, <see cref="OfflineMapJobRunner"/>, the log
    /// provider that brings client retries into job logs, and <see cref="OfflineMapOptions"/> bound from the
    /// <c>Offline</c> section of <paramref name="configuration"/> (when given), then <paramref name="configure"/>,
    /// validated at start. Adds the ArcGIS clients and the packaging services when they are not registered yet.
    /// </summary>
    public static IServiceCollection AddOfflineMaps(this IServiceCollection services, IConfiguration? configuration = null,
        Action<OfflineMapOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<OfflineMapOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(OfflineMapOptions.SectionName));
        }
        if (configure is not null)
        {
            options.Configure(configure);
        }
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OfflineMapOptions>, OfflineMapOptionsValidator>());

        if (!services.Any(d => d.ServiceType == typeof(FeatureServiceClient)))
        {
            services.AddArcGisClients(configuration);
        }
        if (!services.Any(d => d.ServiceType == typeof(PackageManifestWriter)))
        {
            services.AddPackaging();
        }
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OfflineJobLogProvider>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, OfflineJobLogProvider>(sp => sp.GetRequiredService<OfflineJobLogProvider>()));
        services.TryAddSingleton<OfflineMapTaskFactory>();
        services.TryAddSingleton<OfflineMapJobRunner>();
        return services;
    }
}
