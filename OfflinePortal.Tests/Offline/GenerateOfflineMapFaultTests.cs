using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.Core.Offline;
using OfflinePortal.SamplePortal;
using OfflinePortal.SamplePortal.Portal;

namespace OfflinePortal.Tests.Offline;

/// <summary>
/// Jobs meeting the sample portal's injected faults (latency, 5xx bursts, a dropped download, failing services) and
/// cancellation at several points: each job either succeeds or fails with a clear reason, and never leaves a broken
/// package, a temporary folder or a registered replica behind.
/// </summary>
public sealed class GenerateOfflineMapFaultTests(SamplePortalEngineFixture fixture) : IClassFixture<SamplePortalEngineFixture>, IDisposable
{
    private SamplePortalFaults Faults => fixture.Server.Services.GetRequiredService<SamplePortalFaults>();

    public void Dispose() => Faults.Reset();

    private async Task<(OfflineMapTask Task, GenerateOfflineMapParameters Parameters)> HydrantsAsync(bool basemap)
    {
        var task = await fixture.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block, TestAreas.MinScale, TestAreas.MaxScale);
        return (task, parameters with { IncludeBasemap = basemap });
    }

    private async Task<int> ReplicaCountAsync() =>
        (await fixture.Probe.ReplicaIdsAsync("WaterNetwork")).Count + (await fixture.Probe.ReplicaIdsAsync("PressureZones")).Count;

    private static async Task<(GenerateOfflineMapResult Result, List<JobMessage> Messages)> RunAsync(OfflineMapTask task, GenerateOfflineMapParameters parameters,
        string folder, GenerateOfflineMapParameterOverrides? overrides = null, Action<GenerateOfflineMapProgress>? onProgress = null, CancellationToken cancellationToken = default)
    {
        var messages = new List<JobMessage>();
        var result = await task.GenerateOfflineMap(parameters, folder, overrides).RunCheckedAsync(
            onProgress is null ? null : new Callback<GenerateOfflineMapProgress>(onProgress),
            new Callback<JobMessage>(m => { lock (messages) { messages.Add(m); } }),
            cancellationToken);
        return (result, messages);
    }

    [Fact]
    public async Task Latency_OnEveryRequest_JobSucceeds()
    {
        using var folder = new PackageFolder("latency");
        var (task, parameters) = await HydrantsAsync(basemap: true);
        Faults.Latency = TimeSpan.FromMilliseconds(40);

        var (result, _) = await RunAsync(task, parameters, folder.Path);

        Assert.False(result.HasErrors);
        PackageChecks.AllGeoPackagesValid(folder.Path);
        Assert.Equal(await fixture.Probe.CountAsync(fixture.Probe.FeatureServer("WaterNetwork") + "/1", area: TestAreas.Block),
            PackageChecks.OgrCounts(folder.Data("WaterNetwork.gpkg"))["Valves"]);
    }

    [Fact]
    public async Task ServerErrorBursts_RetriedLoggedAndEveryTileWritten()
    {
        using var folder = new PackageFolder("bursts");
        var (task, parameters) = await HydrantsAsync(basemap: true);
        var estimate = await task.EstimateAsync(parameters);
        Faults.ErrorStatusCode = 503;
        Faults.FailNext(4, "/tile/");

        var (result, messages) = await RunAsync(task, parameters, folder.Path);

        Assert.False(result.HasErrors);
        Assert.Equal(0, Faults.PendingBurstFailures);
        Assert.Equal(estimate.TileLayers[0].TileCount, PackageChecks.Scalar(folder.Tiles("Ashland_Basemap.gpkg"), "SELECT count(*) FROM Ashland_Basemap"));
        Assert.Contains(messages, m => m.Severity == JobMessageSeverity.Warning && m.Text.Contains("HTTP 503", StringComparison.Ordinal)
            && m.Text.Contains("retry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DroppedConnection_MidReplicaDownload_RestartsAndSucceeds()
    {
        using var folder = new PackageFolder("dropped");
        var (task, parameters) = await HydrantsAsync(basemap: false);
        var overrides = await task.CreateGenerateOfflineMapParameterOverridesAsync(parameters);
        overrides.OmittedLayers.Add("PressureZones_0");
        // A seed whose first draw drops the connection and whose second lets the restarted download through.
        var seed = Enumerable.Range(1, 10_000).First(s =>
        {
            var random = new Random(s);
            return random.NextDouble() < 0.5 && random.NextDouble() >= 0.5;
        });
        Faults.Reset(seed);
        Faults.DropConnectionRate = 0.5;
        Faults.DropAfterBytes = 2048;
        Faults.DropPathContains = "replicafiles";

        var (result, messages) = await RunAsync(task, parameters, folder.Path, overrides);

        Assert.False(result.HasErrors);
        // Cut before the headers arrived, the client's retry repeats the request; cut later, the download restarts.
        Assert.Contains(messages, m => m.Severity == JobMessageSeverity.Warning && m.Text.Contains("replicafiles", StringComparison.Ordinal)
            && (m.Text.Contains("retry 1", StringComparison.Ordinal) || m.Text.Contains("restarting", StringComparison.Ordinal)));
        PackageChecks.AllGeoPackagesValid(folder.Path);
        Assert.Equal(await fixture.Probe.CountAsync(fixture.Probe.FeatureServer("WaterNetwork") + "/2", area: TestAreas.Block),
            PackageChecks.OgrCounts(folder.Data("WaterNetwork.gpkg"))["Mains"]);
    }

    [Fact]
    public async Task DroppedConnection_EveryAttempt_FailsClearlyAndLeavesNothing()
    {
        using var folder = new PackageFolder("dropped-always");
        var (task, parameters) = await HydrantsAsync(basemap: false);
        var before = await ReplicaCountAsync();
        Faults.DropConnectionRate = 1;
        Faults.DropAfterBytes = 512;
        Faults.DropPathContains = "replicafiles";

        var error = await Assert.ThrowsAsync<GenerateOfflineMapException>(() => RunAsync(task, parameters with { ContinueOnErrors = false }, folder.Path));

        Assert.Contains("continue-on-errors is off", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.Path));
        PackageChecks.NoTemporarySiblings(folder.Path);
        Faults.Reset();
        Assert.Equal(before, await ReplicaCountAsync());
    }

    [Fact]
    public async Task FailingService_ContinueOnErrors_OtherServicesStillGoOffline()
    {
        using var folder = new PackageFolder("failing-continue");
        var (task, parameters) = await HydrantsAsync(basemap: false);
        var zonesBefore = (await fixture.Probe.ReplicaIdsAsync("PressureZones")).Count;
        Faults.ErrorStatusCode = 500;
        Faults.ErrorRate = 1;
        Faults.ErrorPathContains = "PressureZones/FeatureServer/createReplica";

        var (result, _) = await RunAsync(task, parameters, folder.Path);

        Assert.Equal(["PressureZones_0"], result.LayerErrors.Keys);
        Assert.Contains("PressureZones", result.LayerErrors["PressureZones_0"].Message, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Data("PressureZones.gpkg")));
        PackageChecks.AllGeoPackagesValid(folder.Path);
        using var manifest = PackageChecks.Manifest(folder.Path);
        Assert.Equal("failed", PackageChecks.ManifestLayer(manifest, "PressureZones_0").GetProperty("status").GetString());
        Assert.Single(manifest.RootElement.GetProperty("replicas").EnumerateArray());
        Faults.Reset();
        Assert.Equal(zonesBefore, (await fixture.Probe.ReplicaIdsAsync("PressureZones")).Count);
    }

    [Fact]
    public async Task FailingService_StopOnErrors_JobFailsAndUnregistersWhatItRegistered()
    {
        using var folder = new PackageFolder("failing-stop");
        var (task, parameters) = await HydrantsAsync(basemap: true);
        var before = await ReplicaCountAsync();
        Faults.ErrorStatusCode = 500;
        Faults.ErrorRate = 1;
        Faults.ErrorPathContains = "PressureZones/FeatureServer/createReplica";

        var error = await Assert.ThrowsAsync<GenerateOfflineMapException>(() => RunAsync(task, parameters with { ContinueOnErrors = false }, folder.Path));

        Assert.Contains("PressureZones", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.Path));
        PackageChecks.NoTemporarySiblings(folder.Path);
        Faults.Reset();
        Assert.Equal(before, await ReplicaCountAsync());
    }

    [Theory]
    [InlineData("creating replica (")]
    [InlineData("downloading tiles")]
    [InlineData("writing features")]
    public async Task Cancellation_AtSeveralPoints_LeavesNothingBehind(string step)
    {
        using var folder = new PackageFolder("cancel");
        var (task, parameters) = await HydrantsAsync(basemap: true);
        var before = await ReplicaCountAsync();
        Faults.Latency = TimeSpan.FromMilliseconds(step.StartsWith("creating", StringComparison.Ordinal) ? 150 : 30);
        Faults.LatencyPathContains = step.StartsWith("creating", StringComparison.Ordinal) ? "/jobs/" : step.StartsWith("downloading", StringComparison.Ordinal) ? "/tile/" : null;
        using var cancel = new CancellationTokenSource();
        var seen = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(task, parameters, folder.Path, onProgress: p =>
        {
            if (p.Layers.Any(l => l.Step?.StartsWith(step, StringComparison.Ordinal) == true) && Interlocked.Exchange(ref seen, 1) == 0)
            {
                _ = Task.Run(cancel.Cancel);
            }
        }, cancellationToken: cancel.Token));

        Assert.Equal(1, seen);
        Assert.False(Directory.Exists(folder.Path));
        PackageChecks.NoTemporarySiblings(folder.Path);
        Faults.Reset();
        Assert.Equal(before, await ReplicaCountAsync());
    }
}
