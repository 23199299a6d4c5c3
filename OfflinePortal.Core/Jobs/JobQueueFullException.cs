using System.Globalization;

namespace OfflinePortal.Core.Jobs;

/// <summary>
/// A new job was refused because <see cref="JobsOptions.QueueCapacity"/> jobs are already waiting: nothing is wrong
/// with the request, the server is busy (the API answers 503 with Retry-After; pages show it under the field "queue").
/// </summary>
public sealed class JobQueueFullException(int waiting) : RequestValidationException(new Dictionary<string, string[]>(StringComparer.Ordinal)
{
    ["queue"] = [string.Create(CultureInfo.InvariantCulture, $"The job queue is full ({waiting} jobs are waiting); no job was created. Try again when some have run.")],
})
{
    /// <summary>What the API suggests in Retry-After: long enough for a job or two to start, short enough to not idle.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    public int Waiting { get; } = waiting;
}
