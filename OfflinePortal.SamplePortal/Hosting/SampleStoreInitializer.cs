using Microsoft.Extensions.Hosting;
using OfflinePortal.SamplePortal.Data;

namespace OfflinePortal.SamplePortal.Hosting;

/// <summary>Generates or opens the store at start-up, so the first request does not pay for it and a broken store stops the start.</summary>
internal sealed class SampleStoreInitializer(SampleStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.EnsureReadyAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
