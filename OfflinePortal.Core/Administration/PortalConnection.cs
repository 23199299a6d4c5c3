using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Administration;

/// <summary>
/// The portal the engine and the pages read web maps from: the external one an admin configured, or the built-in sample
/// portal. <see cref="PortalUrl"/> is the portal root (<c>{PortalUrl}/sharing/rest</c> is its REST API).
/// </summary>
public sealed record PortalConnection(
    Uri PortalUrl,
    PortalAuthenticationKind Authentication,
    string? ApiKey,
    string? Username,
    string? Password,
    bool IsSample)
{
    public override string ToString() => $"{PortalUrl} ({(IsSample ? "sample portal" : Authentication.ToString())})";
}

/// <summary>The one place that says which portal is the source, with its credential.</summary>
public interface IPortalConnectionProvider
{
    Task<PortalConnection> GetAsync(CancellationToken cancellationToken);
}

/// <summary>Where the built-in sample portal answers, as the server itself reaches it (the Web app knows its address).</summary>
public interface ISamplePortalAddress
{
    /// <summary>The sample portal root (e.g. http://127.0.0.1:5080/sample), or null when it is not mounted.</summary>
    Uri? SamplePortalUrl { get; }
}

/// <summary>What the admin page shows and edits: never the secrets themselves, only whether they are set.</summary>
public sealed record PortalConnectionForm
{
    public string? PortalUrl { get; init; }

    public PortalAuthenticationKind Authentication { get; init; }

    /// <summary>A new API key or token; null keeps the stored one.</summary>
    public string? ApiKey { get; init; }

    public string? Username { get; init; }

    /// <summary>A new password; null keeps the stored one.</summary>
    public string? Password { get; init; }

    public bool HasApiKey { get; init; }

    public bool HasPassword { get; init; }

    public DateTime? UpdatedUtc { get; init; }

    public string? UpdatedBy { get; init; }
}
