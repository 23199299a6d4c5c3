namespace OfflinePortal.Core.Persistence;

/// <summary>An API key of a user. Only its SHA-256 hash is stored; the key is shown once when created.</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    public PortalUser? User { get; set; }

    public required string Name { get; set; }

    /// <summary>The public part of the key, used to find it (indexed, unique).</summary>
    public required string Prefix { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole key.</summary>
    public required string Hash { get; set; }

    public DateTime CreatedUtc { get; set; }

    public DateTime? LastUsedUtc { get; set; }

    public DateTime? RevokedUtc { get; set; }
}
