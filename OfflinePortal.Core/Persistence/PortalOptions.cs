using System.ComponentModel.DataAnnotations;

namespace OfflinePortal.Core.Persistence;

/// <summary>Where the portal keeps its data, and the first administrator (configuration section <c>Portal</c>).</summary>
public sealed class PortalOptions
{
    public const string SectionName = "Portal";

    /// <summary>Folder of the SQLite database, the Data Protection keys and (by default) the packages; relative to the content root.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Folder of the job packages; default <c>&lt;DataDirectory&gt;/packages</c>.</summary>
    public string? PackagesDirectory { get; set; }

    /// <summary>The first administrator, created at first start when no user exists.</summary>
    public PortalAdminOptions Admin { get; set; } = new();

    /// <summary>Mount the built-in sample portal under <c>/sample</c> (the source while no external portal is configured).</summary>
    public bool SamplePortalEnabled { get; set; } = true;

    /// <summary>
    /// The sample portal's absolute URL as the server reaches it (e.g. http://127.0.0.1:8080/sample); default: the
    /// first address the server listens on + <c>/sample</c>.
    /// </summary>
    public string? SamplePortalUrl { get; set; }
}

public sealed class PortalAdminOptions
{
    /// <summary>E-mail (also the user name) of the first administrator; default <c>admin@offlineportal.local</c>.</summary>
    public string? Email { get; set; }

    /// <summary>Password of the first administrator; when empty a one-time password is generated and logged once.</summary>
    public string? Password { get; set; }
}
