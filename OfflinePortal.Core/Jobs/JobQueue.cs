using System.Threading.Channels;

namespace OfflinePortal.Core.Jobs;

/// <summary>
/// Wakes idle runners when a job may be waiting. The queue itself is the database (jobs in state Queued, oldest first):
/// a signal carries no job id, so nothing can be lost when the process stops, and a signal that finds a runner busy is
/// simply dropped because a runner always looks in the database before it waits again.
/// </summary>
public sealed class JobQueue
{
    // One pending signal is enough: the runner that takes it passes it on when it finds a job (see JobRunner).
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleWriter = false,
        SingleReader = false,
    });

    /// <summary>Says that a job may be waiting; never blocks.</summary>
    public void Signal() => _signal.Writer.TryWrite(true);

    /// <summary>Waits for a signal.</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken) => await _signal.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
}
