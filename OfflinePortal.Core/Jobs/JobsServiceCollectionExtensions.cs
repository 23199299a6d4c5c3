using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OfflinePortal.Core.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// The job queue, runner, monitor, service and retention sweeper. Call after <c>AddPortalPersistence</c> (the database
    /// is migrated before the runner starts). The work itself needs an <see cref="IJobExecutor"/> registration.
    /// </summary>
    public static IServiceCollection AddPortalJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobsOptions>().Bind(configuration.GetSection(JobsOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<JobQueue>();
        services.TryAddSingleton<JobMonitor>();
        services.TryAddSingleton<JobRunner>();
        services.TryAddSingleton<JobService>();
        services.TryAddSingleton<PackageRetentionSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<JobRunner>());
        services.AddHostedService(sp => sp.GetRequiredService<PackageRetentionSweeper>());
        return services;
    }
}
