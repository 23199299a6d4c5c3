using OfflinePortal.Core.Jobs;

namespace OfflinePortal.Web.Components.Shared;

/// <summary>
/// Reads a <see cref="JobMonitor"/> watch stream off the circuit's thread and hands each snapshot to a component callback
/// (Aspire's Resources page pattern). The callback is run through the component's dispatcher; disposing cancels the
/// loop and waits for it, so no callback runs after the component is gone.
/// </summary>
public sealed class MonitorWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _loop;

    private MonitorWatch(JobMonitor monitor, Guid? jobId, Func<JobSnapshot, Task> onSnapshot, Func<Exception, Task> onError)
    {
        _loop = Task.Run(async () =>
        {
            try
            {
                await foreach (var snapshot in monitor.WatchAsync(jobId, _cts.Token))
                {
                    await onSnapshot(snapshot);
                }
            }
            catch (OperationCanceledException) when (_cts.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                await onError(ex);
            }
        });
    }

    /// <summary>Starts watching one job (or all when <paramref name="jobId"/> is null).</summary>
    public static MonitorWatch Start(JobMonitor monitor, Guid? jobId, Func<JobSnapshot, Task> onSnapshot, Func<Exception, Task> onError) =>
        new(monitor, jobId, onSnapshot, onError);

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        _cts.Dispose();
    }
}
