namespace OfflinePortal.Core.Persistence;

/// <summary>The life of a job. Queued and Running are active; the rest are final and never change again.</summary>
public enum JobState
{
    Queued = 0,
    Running = 1,
    Succeeded = 2,
    SucceededWithErrors = 3,
    Failed = 4,
    Cancelled = 5,
}

public static class JobStateExtensions
{
    public static bool IsFinished(this JobState state) => state is not (JobState.Queued or JobState.Running);
}
