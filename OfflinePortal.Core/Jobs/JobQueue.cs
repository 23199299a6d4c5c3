using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace OfflinePortal.Core.Jobs;

/// <summary>Ids of queued jobs waiting for a runner; bounded so that a flood of requests waits instead of eating memory.</summary>
public sealed class JobQueue(IOptions<JobsOptions> options)
{
    private readonly Channel<Guid> _channel = Channel.CreateBounded<Guid>(new BoundedChannelOptions(options.Value.QueueCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleWriter = false,
        SingleReader = false,
    });

    public ValueTask EnqueueAsync(Guid jobId, CancellationToken cancellationToken) => _channel.Writer.WriteAsync(jobId, cancellationToken);

    public ValueTask<Guid> DequeueAsync(CancellationToken cancellationToken) => _channel.Reader.ReadAsync(cancellationToken);

    public int Count => _channel.Reader.Count;
}
