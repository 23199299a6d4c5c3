namespace OfflinePortal.Core.Persistence;

/// <summary>The portal's roles and the groups of roles that the authorization policies allow.</summary>
public static class PortalRoles
{
    /// <summary>Users, the portal connection, retention, anyone's API keys.</summary>
    public const string Admin = "Admin";

    /// <summary>Areas, crews, jobs, downloads, sync.</summary>
    public const string Supervisor = "Supervisor";

    /// <summary>Reads everything, changes nothing.</summary>
    public const string Auditor = "Auditor";

    public static IReadOnlyList<string> All { get; } = [Admin, Supervisor, Auditor];

    /// <summary>Roles that may start, cancel and retry jobs and edit areas and crews.</summary>
    public static IReadOnlyList<string> Operators { get; } = [Admin, Supervisor];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}
