namespace OfflinePortal.Core.Persistence;

/// <summary>One message of a job's log; append-only.</summary>
public sealed class JobLogEntry
{
    public long Id { get; set; }

    public Guid JobId { get; set; }

    /// <summary>Order within the job, from 1, across restarts.</summary>
    public int Sequence { get; set; }

    public DateTime TimestampUtc { get; set; }

    public JobLogLevel Level { get; set; }

    public required string Message { get; set; }
}

public enum JobLogLevel
{
    Information = 0,
    Warning = 1,
    Error = 2,
}
