using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Offline;

namespace Microsoft.Extensions.DependencyInjection;

public static class OfflineMapJobsServiceCollectionExtensions
{
    /// <summary>
    /// Makes the portal's jobs generate offline maps: the offline engine (<see cref="OfflineServiceCollectionExtensions.AddOfflineMaps"/>)
    /// as the <see cref="IJobExecutor"/>, reading the source portal and its credential from <see cref="PortalAccessProvider"/>,
    /// and its checks of a job's options before the job is queued (<see cref="OfflineJobRequestValidator"/>).
    /// </summary>
    public static IServiceCollection AddOfflineMapJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOfflineMaps(configuration);
        services.TryAddSingleton<PortalAccessProvider>();
        services.TryAddSingleton<IJobExecutor, OfflineMapJobExecutor>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobRequestValidator, OfflineJobRequestValidator>());
        return services;
    }
}
