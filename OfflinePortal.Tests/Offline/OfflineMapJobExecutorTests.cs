using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Offline;
using OfflinePortal.Core.Persistence;
using OfflinePortal.SamplePortal.Portal;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.Offline;

/// <summary>
/// The portal's job executor over the real engine and the sample portal: a job as the portal stores it (parameters and
/// overrides as JSON, the area as a GeoJSON snapshot) becomes a validated package, with live rows and log lines.
/// </summary>
public sealed class OfflineMapJobExecutorTests(SamplePortalEngineFixture fixture) : IClassFixture<SamplePortalEngineFixture>
{
    private const string SmallBlockGeoJson =
        """{"type":"Polygon","coordinates":[[[-122.715,42.185],[-122.705,42.185],[-122.705,42.195],[-122.715,42.195],[-122.715,42.185]]]}""";

    [Fact]
    public async Task Execute_StoredJob_WritesValidatedPackageAndReportsLayers()
    {
        using var folder = new PackageFolder("executor");
        var task = await fixture.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        // The parameters carry another area: the job's own snapshot must win.
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block, TestAreas.MinScale, TestAreas.MaxScale);
        var context = new RecordingContext(Definition(OfflineJson.Serialize(parameters)), folder);

        var outcome = await Executor().ExecuteAsync(context.Context, CancellationToken.None);

        Assert.Equal(JobState.Succeeded, outcome.State);
        Assert.True(Directory.Exists(folder.Path));
        Assert.False(Directory.Exists(context.Context.TemporaryDirectory));
        foreach (var gpkg in Directory.EnumerateFiles(folder.Path, "*.gpkg", SearchOption.AllDirectories))
        {
            GdalTools.AssertValidGeoPackage(gpkg);
        }
        var hydrants = Assert.Single(outcome.Layers, l => l.Title == "Hydrants");
        Assert.Equal(LayerResultStatus.Offline, hydrants.Status);
        Assert.Equal("feature-layer", hydrants.Kind);
        var expected = await fixture.Probe.CountAsync(fixture.Probe.FeatureServer("WaterNetwork") + "/0", area: TestAreas.SmallBlock);
        Assert.Equal(expected, hydrants.FeatureCount);
        Assert.Equal(expected, PackageChecks.OgrCounts(folder.Data("WaterNetwork.gpkg"))["Hydrants"]);

        Assert.Contains(context.Updates, u => u.Layers?.Any(l => l.Kind == "feature-layer" && l.Phase == JobLayerPhase.Running) == true);
        Assert.Equal(1d, context.Updates.Last(u => u.Fraction is not null).Fraction);
        Assert.Contains(context.Lines, l => l.Message.Contains("sample portal", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Execute_UnknownWebMap_FailsWithReasonAndLeavesNothing()
    {
        using var folder = new PackageFolder("executor-unknown");
        var context = new RecordingContext(Definition("{}") with { WebMapId = "0123456789abcdef0123456789abcdef" }, folder);

        var outcome = await Executor().ExecuteAsync(context.Context, CancellationToken.None);

        Assert.Equal(JobState.Failed, outcome.State);
        Assert.Contains("0123456789abcdef0123456789abcdef", outcome.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.Path));
        Assert.False(Directory.Exists(context.Context.TemporaryDirectory));
    }

    [Theory]
    [InlineData("{\"minScale\": 1000, \"maxScale\": 50000}", "minimum scale")]
    [InlineData("[1,2]", "not an object")]
    [InlineData("{\"updateMode\": \"sometimes\"}", "cannot be read")]
    public async Task Execute_UnusableParameters_FailsWithReason(string parametersJson, string expected)
    {
        using var folder = new PackageFolder("executor-bad");
        var context = new RecordingContext(Definition(parametersJson), folder);

        var outcome = await Executor().ExecuteAsync(context.Context, CancellationToken.None);

        Assert.Equal(JobState.Failed, outcome.State);
        Assert.Contains(expected, outcome.Error, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(folder.Path));
    }

    private OfflineMapJobExecutor Executor() =>
        new(new OfflineMapJobRunner(fixture.Engine.Factory), new PortalAccessProvider(new SampleConnection(fixture.PortalUrl)));

    private static JobDefinition Definition(string parametersJson) => new(
        Guid.NewGuid(), SampleItemIds.HydrantMaintenanceMap, "Hydrant Maintenance", 7, "Block 7", SmallBlockGeoJson, 3, "Crew North",
        parametersJson, null, "user-1", "Sam Supervisor", DateTime.UtcNow, 1);

    private sealed class SampleConnection(Uri portalUrl) : IPortalConnectionProvider
    {
        public Task<PortalConnection> GetAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new PortalConnection(portalUrl, PortalAuthenticationKind.Anonymous, null, null, null, IsSample: true));
    }

    /// <summary>Collects what the executor reports, as the job runner would receive it.</summary>
    private sealed class RecordingContext : IJobLog, IProgress<JobProgressUpdate>
    {
        public RecordingContext(JobDefinition job, PackageFolder folder) => Context = new JobExecutionContext
        {
            Job = job,
            Progress = this,
            Log = this,
            PackageDirectory = folder.Path,
            TemporaryDirectory = folder.Path + ".partial",
        };

        public JobExecutionContext Context { get; }

        public List<JobProgressUpdate> Updates { get; } = [];

        public List<(JobLogLevel Level, string Message)> Lines { get; } = [];

        public void Report(JobProgressUpdate value)
        {
            lock (Updates)
            {
                Updates.Add(value);
            }
        }

        public void Write(JobLogLevel level, string message)
        {
            lock (Lines)
            {
                Lines.Add((level, message));
            }
        }
    }
}
