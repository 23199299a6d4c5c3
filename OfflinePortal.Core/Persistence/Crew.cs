namespace OfflinePortal.Core.Persistence;

/// <summary>A field crew that areas are assigned to.</summary>
public sealed class Crew
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public string? Notes { get; set; }

    public DateTime CreatedUtc { get; set; }

    public DateTime UpdatedUtc { get; set; }
}
