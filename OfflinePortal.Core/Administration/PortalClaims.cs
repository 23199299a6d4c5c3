using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Administration;

/// <summary>Claims the portal adds to a signed-in user, and how to read them back.</summary>
public static class PortalClaims
{
    public const string DisplayName = "offlineportal:display_name";

    /// <summary>Present while the user still has a one-time password.</summary>
    public const string MustChangePassword = "offlineportal:must_change_password";

    /// <summary>Set when the user signed in with an API key (the key's id).</summary>
    public const string ApiKeyId = "offlineportal:api_key";

    public static string? UserId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    public static string Name(this ClaimsPrincipal user) =>
        user.FindFirstValue(DisplayName) is { Length: > 0 } name ? name : user.Identity?.Name ?? "unknown";

    public static JobActor ToActor(this ClaimsPrincipal user) =>
        new(user.UserId() ?? throw new InvalidOperationException("The user is not signed in."), user.Name());

    public static bool CanOperate(this ClaimsPrincipal user) => user.IsInRole(PortalRoles.Admin) || user.IsInRole(PortalRoles.Supervisor);
}

/// <summary>Adds the display name and the must-change-password flag to the principal built at sign-in.</summary>
public sealed class PortalUserClaimsPrincipalFactory(
    UserManager<PortalUser> userManager, RoleManager<IdentityRole> roleManager, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PortalUser, IdentityRole>(userManager, roleManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var identity = await base.GenerateClaimsAsync(user).ConfigureAwait(false);
        identity.AddClaim(new Claim(PortalClaims.DisplayName, string.IsNullOrWhiteSpace(user.DisplayName) ? user.UserName ?? "" : user.DisplayName));
        if (user.MustChangePassword)
        {
            identity.AddClaim(new Claim(PortalClaims.MustChangePassword, "true"));
        }
        return identity;
    }
}
