using Microsoft.AspNetCore.Authorization;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Web.Security;

/// <summary>The authorization policies. Everything else requires a signed-in user (the fallback policy).</summary>
public static class PortalPolicies
{
    /// <summary>Read jobs, areas, crews, the audit, packages: every role.</summary>
    public const string CanView = nameof(CanView);

    /// <summary>Start, cancel, retry jobs; edit areas and crews: Admin and Supervisor.</summary>
    public const string CanOperate = nameof(CanOperate);

    /// <summary>Users, the portal connection, retention, anyone's API keys.</summary>
    public const string Admin = nameof(Admin);

    /// <summary>The mounted sample portal: see <see cref="SamplePortalAccessRequirement"/>.</summary>
    public const string SamplePortal = nameof(SamplePortal);

    public static void Configure(AuthorizationOptions options)
    {
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        options.AddPolicy(CanView, p => p.RequireAuthenticatedUser().RequireRole(PortalRoles.All));
        options.AddPolicy(CanOperate, p => p.RequireAuthenticatedUser().RequireRole(PortalRoles.Operators));
        options.AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireRole(PortalRoles.Admin));
        options.AddPolicy(SamplePortal, p => p.AddRequirements(new SamplePortalAccessRequirement()));
    }
}
