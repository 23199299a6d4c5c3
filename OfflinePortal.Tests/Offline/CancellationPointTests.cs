using OfflinePortal.Core.Offline;
using OfflinePortal.SamplePortal.Portal;

namespace OfflinePortal.Tests.Offline;

/// <summary>A sample portal and an engine whose every request passes a <see cref="RequestHook"/>.</summary>
public sealed class HookedPortalFixture : SamplePortalEngineFixture, IAsyncLifetime
{
    public RequestHook Hook { get; } = new();

    public HookedEngine Hooked { get; private set; } = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        Hooked = Hook.CreateEngine();
    }

    public override async Task DisposeAsync()
    {
        await Hooked.DisposeAsync();
        await base.DisposeAsync();
    }

    public Task<OfflineMapTask> OpenHookedAsync(string itemId, CancellationToken cancellationToken = default) =>
        Hooked.Factory.CreateAsync(PortalUrl, itemId, cancellationToken: cancellationToken);
}

/// <summary>
/// Cancelling at each stage of a job (and while a map opens or an estimate runs) ends in an
/// <see cref="OperationCanceledException"/> and leaves nothing: no package folder, no temporary sibling and no replica
/// registered on the services. Each test cancels at an exact request or progress step, never on a timer.
/// </summary>
public sealed class CancellationPointTests(HookedPortalFixture fixture) : IClassFixture<HookedPortalFixture>, IDisposable
{
    private RequestHook Hook => fixture.Hook;

    public void Dispose() => Hook.Before(null);

    private async Task<int> ReplicaCountAsync() =>
        (await fixture.Probe.ReplicaIdsAsync("WaterNetwork")).Count + (await fixture.Probe.ReplicaIdsAsync("PressureZones")).Count;

    private static async Task<GenerateOfflineMapParameters> ParametersAsync(OfflineMapTask task, bool basemap) =>
        (await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.SmallBlock, TestAreas.MinScale, TestAreas.MaxScale)) with { IncludeBasemap = basemap };

    /// <summary>Runs the job with the hook set to cancel at <paramref name="match"/>, then checks that nothing is left.</summary>
    private async Task CancelledJobLeavesNothingAsync(string purpose, string itemId, bool basemap, Func<HttpRequestMessage, bool> match)
    {
        using var folder = new PackageFolder(purpose);
        var task = await fixture.OpenHookedAsync(itemId);
        var parameters = await ParametersAsync(task, basemap);
        var before = await ReplicaCountAsync();
        using var cancel = new CancellationTokenSource();
        var fired = Hook.CancelAt(match, cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.GenerateOfflineMap(parameters, folder.Path).RunAsync(cancellationToken: cancel.Token));

        Assert.True(fired.IsCompletedSuccessfully, "The job never sent the request it was to be cancelled at.");
        AssertNothingLeft(folder);
        Assert.Equal(before, await ReplicaCountAsync());
    }

    private static void AssertNothingLeft(PackageFolder folder)
    {
        Assert.False(Directory.Exists(folder.Path));
        PackageChecks.NoTemporarySiblings(folder.Path);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Root));
    }

    [Fact]
    public async Task Cancel_WhileTheMapOpens_ServiceMetadataRequestCancelled()
    {
        using var cancel = new CancellationTokenSource();
        var fired = Hook.CancelAt(r => RequestHook.ServiceOf(r) is not null, cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fixture.OpenHookedAsync(SampleItemIds.HydrantMaintenanceMap, cancel.Token));

        Assert.True(fired.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Cancel_DuringTheEstimate_EstimateCancelled()
    {
        var task = await fixture.OpenHookedAsync(SampleItemIds.HydrantMaintenanceMap);
        var parameters = await ParametersAsync(task, basemap: true);
        using var cancel = new CancellationTokenSource();
        var fired = Hook.CancelAt(r => RequestHook.PathContains(r, "/query") || RequestHook.PathContains(r, "/tile/"), cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.EstimateAsync(parameters, cancellationToken: cancel.Token));

        Assert.True(fired.IsCompletedSuccessfully);
        Hook.Before(null);
        var estimate = await task.EstimateAsync(parameters);
        Assert.True(estimate.TileLayers[0].TileCount > 0);
    }

    [Fact]
    public async Task Cancel_DuringSnapshotPaging_NothingLeft() =>
        await CancelledJobLeavesNothingAsync("cancel-snapshot", SampleItemIds.NetworkOverviewMap, basemap: false,
            r => RequestHook.PathContains(r, "/CriticalCustomers/FeatureServer/0/query"));

    [Fact]
    public async Task Cancel_DuringAttachmentDownloads_NothingLeft() =>
        await CancelledJobLeavesNothingAsync("cancel-attachments", SampleItemIds.HydrantMaintenanceMap, basemap: false,
            r => RequestHook.PathContains(r, "/attachments/"));

    [Fact]
    public async Task Cancel_DuringVectorTileDownload_NothingLeft() =>
        await CancelledJobLeavesNothingAsync("cancel-vector", SampleItemIds.ValveExercisingMap, basemap: true,
            r => RequestHook.PathContains(r, "/VectorTileServer/tile/"));

    [Fact]
    public async Task Cancel_AtTheManifestAndRenameStage_NothingLeft()
    {
        using var folder = new PackageFolder("cancel-manifest");
        var task = await fixture.OpenHookedAsync(SampleItemIds.HydrantMaintenanceMap);
        var parameters = await ParametersAsync(task, basemap: true);
        var before = await ReplicaCountAsync();
        using var cancel = new CancellationTokenSource();
        var seen = 0;
        var unitsDone = false;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.GenerateOfflineMap(parameters, folder.Path).RunAsync(
            new Callback<GenerateOfflineMapProgress>(p =>
            {
                if (p.Step.StartsWith("writing map", StringComparison.Ordinal) && Interlocked.Exchange(ref seen, 1) == 0)
                {
                    unitsDone = p.Layers.Where(l => l.State != LayerJobState.Omitted && l.State != LayerJobState.OnlineOnly).All(l => l.State == LayerJobState.Done);
                    // On the job's own thread, so the job is cancelled exactly here.
                    cancel.Cancel();
                }
            }),
            cancellationToken: cancel.Token));

        Assert.Equal(1, seen);
        Assert.True(unitsDone, "Every layer was written before the manifest stage.");
        AssertNothingLeft(folder);
        Assert.Equal(before, await ReplicaCountAsync());
    }

    [Fact]
    public async Task Cancel_TokenAlreadyCancelled_NoRequestAndNothingLeft()
    {
        using var folder = new PackageFolder("cancel-before");
        var task = await fixture.OpenHookedAsync(SampleItemIds.HydrantMaintenanceMap);
        var parameters = await ParametersAsync(task, basemap: true);
        var sent = Hook.Paths.Count;
        var progress = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.GenerateOfflineMap(parameters, folder.Path).RunAsync(
            new Callback<GenerateOfflineMapProgress>(_ => Interlocked.Increment(ref progress)), cancellationToken: new CancellationToken(canceled: true)));

        Assert.Equal(sent, Hook.Paths.Count);
        Assert.Equal(0, progress);
        AssertNothingLeft(folder);
    }
}
