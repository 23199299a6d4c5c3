namespace OfflinePortal.Core.Persistence;

/// <summary>Portal-wide settings edited by admins (single row, id 1).</summary>
public sealed class PortalSettings
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    /// <summary>Days to keep packages after their job finished; null keeps them for ever. Audit records are always kept.</summary>
    public int? PackageRetentionDays { get; set; }

    public DateTime UpdatedUtc { get; set; }

    public string? UpdatedBy { get; set; }
}
