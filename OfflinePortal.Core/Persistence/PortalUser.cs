using Microsoft.AspNetCore.Identity;

namespace OfflinePortal.Core.Persistence;

/// <summary>A person who signs in to the portal. Roles are in <see cref="PortalRoles"/>.</summary>
public sealed class PortalUser : IdentityUser
{
    /// <summary>The name shown in the UI and written into job records.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>Set for one-time passwords: the user must choose a new password before doing anything else.</summary>
    public bool MustChangePassword { get; set; }

    public DateTime CreatedUtc { get; set; }
}
