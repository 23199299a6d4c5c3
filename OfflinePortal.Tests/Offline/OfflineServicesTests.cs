using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OfflinePortal.Core.ArcGis.Features;
using OfflinePortal.Core.Offline;
using OfflinePortal.Core.Packaging;

namespace OfflinePortal.Tests.Offline;

/// <summary>Registration of the offline engine and its options.</summary>
public sealed class OfflineServicesTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOfflineMaps(configuration);
        return services.BuildServiceProvider(validateScopes: true);
    }

    [Fact]
    public void AddOfflineMaps_BindsOfflineSectionAndAddsWhatItNeeds()
    {
        using var provider = Build(new()
        {
            ["Offline:MaxConcurrentServices"] = "2",
            ["Offline:MaxConcurrentTileRequests"] = "16",
            ["Offline:EstimateTileSamplesPerLevel"] = "5",
            ["Offline:TemporaryDirectoryMarker"] = ".partial-",
        });

        var options = provider.GetRequiredService<IOptions<OfflineMapOptions>>().Value;

        Assert.Equal((2, 16, 5, ".partial-"), (options.MaxConcurrentServices, options.MaxConcurrentTileRequests, options.EstimateTileSamplesPerLevel, options.TemporaryDirectoryMarker));
        Assert.NotNull(provider.GetRequiredService<OfflineMapTaskFactory>());
        Assert.NotNull(provider.GetRequiredService<OfflineMapJobRunner>());
        Assert.NotNull(provider.GetRequiredService<FeatureServiceClient>());
        Assert.NotNull(provider.GetRequiredService<PackageManifestWriter>());
        Assert.Contains(provider.GetServices<ILoggerProvider>(), p => p is OfflineJobLogProvider);
    }

    [Fact]
    public void AddOfflineMaps_InvalidSettings_FailWithEveryKeyNamed()
    {
        using var provider = Build(new()
        {
            ["Offline:MaxConcurrentServices"] = "0",
            ["Offline:MaxAreaSquareKilometres"] = "-1",
            ["Offline:ReplicaNamePrefix"] = "bad name!",
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OfflineMapOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("Offline:MaxConcurrentServices", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Offline:MaxAreaSquareKilometres", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Offline:ReplicaNamePrefix", StringComparison.Ordinal));
    }
}
