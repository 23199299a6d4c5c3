namespace OfflinePortal.Core.Persistence;

/// <summary>The external portal the engine reads web maps from (single row, id 1). None means the sample portal.</summary>
public sealed class PortalConnectionSettings
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    /// <summary>Portal root, e.g. https://www.arcgis.com or https://gis.example.org/portal; null = the sample portal.</summary>
    public string? PortalUrl { get; set; }

    public PortalAuthenticationKind Authentication { get; set; }

    /// <summary>API key or token, protected with ASP.NET Core Data Protection.</summary>
    public string? ProtectedApiKey { get; set; }

    public string? Username { get; set; }

    /// <summary>Password, protected with ASP.NET Core Data Protection.</summary>
    public string? ProtectedPassword { get; set; }

    public DateTime UpdatedUtc { get; set; }

    public string? UpdatedBy { get; set; }
}

public enum PortalAuthenticationKind
{
    Anonymous = 0,
    ApiKey = 1,
    UsernamePassword = 2,
}
