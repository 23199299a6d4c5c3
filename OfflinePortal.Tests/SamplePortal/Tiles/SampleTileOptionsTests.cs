using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OfflinePortal.SamplePortal.Tiles;

namespace OfflinePortal.Tests.SamplePortal.Tiles;

public sealed class SampleTileOptionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings) => Services(settings).BuildServiceProvider();

    private static ServiceCollection Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSampleTileServices();
        services.AddSampleTileServices();
        return services;
    }

    [Fact]
    public void Options_FromConfiguration_AreBoundUnderSamplePortalTiles()
    {
        using var provider = Build(new() { ["SamplePortal:Tiles:MaxExportTilesCount"] = "250", ["SamplePortal:Tiles:TileMaxAgeSeconds"] = "5" });
        var options = provider.GetRequiredService<IOptions<SampleTileOptions>>().Value;
        Assert.Equal((250, 5, 64, 60), (options.MaxExportTilesCount, options.TileMaxAgeSeconds, options.TileCacheMegabytes, options.JobRetentionMinutes));
    }

    [Fact]
    public void AddSampleTileServices_CalledTwice_RegistersOneJobRunner() =>
        Assert.Single(Services([]), d => d.ServiceType == typeof(IHostedService));

    [Theory]
    [InlineData("MaxExportTilesCount", "0")]
    [InlineData("TileCacheMegabytes", "-1")]
    [InlineData("JobRetentionMinutes", "0")]
    public void Options_OutOfRange_AreRefused(string key, string value)
    {
        using var provider = Build(new() { [$"SamplePortal:Tiles:{key}"] = value });
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SampleTileOptions>>().Value);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
