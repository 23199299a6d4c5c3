using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Administration;

/// <summary>A user as the admin page lists it.</summary>
public sealed record UserInfo(string Id, string Email, string DisplayName, string? Role, bool IsLockedOut, bool MustChangePassword, DateTime CreatedUtc);

/// <summary>
/// Users for admins: create with a role, change role, lock and unlock, reset the password. New users and resets get a
/// one-time password to hand over; it must be changed at first sign-in. A scope per call keeps Identity's scoped
/// services short-lived even when a long-lived circuit calls this.
/// </summary>
public sealed class UserAdministrationService(IServiceScopeFactory scopes, TimeProvider time)
{
    public async Task<IReadOnlyList<UserInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var now = time.GetUtcNow();
        var roleOf = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var roles = roleOf.GroupBy(x => x.UserId).ToDictionary(g => g.Key, g => g.Select(x => x.Name).Order(StringComparer.Ordinal).FirstOrDefault());
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. users.Select(u => new UserInfo(u.Id, u.Email ?? u.UserName ?? u.Id, u.DisplayName, roles.GetValueOrDefault(u.Id),
            u.LockoutEnd is { } end && end > now, u.MustChangePassword, u.CreatedUtc))];
    }

    /// <summary>Creates a user with a role; returns the one-time password to hand over.</summary>
    public async Task<string> CreateAsync(string email, string displayName, string role, CancellationToken cancellationToken)
    {
        email = (email ?? "").Trim();
        displayName = (displayName ?? "").Trim();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (email.Length == 0 || !email.Contains('@', StringComparison.Ordinal))
        {
            errors["Email"] = ["Enter the user's e-mail address."];
        }
        if (displayName.Length == 0)
        {
            errors["DisplayName"] = ["Enter the name shown for the user."];
        }
        if (!PortalRoles.IsKnown(role))
        {
            errors["Role"] = ["Choose Admin, Supervisor or Auditor."];
        }
        if (errors.Count > 0)
        {
            throw new RequestValidationException(errors);
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        if (await users.FindByEmailAsync(email).ConfigureAwait(false) is not null)
        {
            throw RequestValidationException.For("Email", $"A user with the e-mail {email} already exists.");
        }
        var password = OneTimePassword.Generate();
        var user = new PortalUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = displayName,
            MustChangePassword = true,
            CreatedUtc = time.GetUtcNow().UtcDateTime,
            LockoutEnabled = true,
        };
        Check(await users.CreateAsync(user, password).ConfigureAwait(false));
        Check(await users.AddToRoleAsync(user, role).ConfigureAwait(false));
        return password;
    }

    public async Task ChangeRoleAsync(string userId, string role, CancellationToken cancellationToken)
    {
        if (!PortalRoles.IsKnown(role))
        {
            throw RequestValidationException.For("Role", "Choose Admin, Supervisor or Auditor.");
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await FindAsync(users, userId).ConfigureAwait(false);
        var current = await users.GetRolesAsync(user).ConfigureAwait(false);
        if (current.Contains(PortalRoles.Admin) && role != PortalRoles.Admin)
        {
            await EnsureAnotherAdminAsync(users, user).ConfigureAwait(false);
        }
        Check(await users.RemoveFromRolesAsync(user, current).ConfigureAwait(false));
        Check(await users.AddToRoleAsync(user, role).ConfigureAwait(false));
        Check(await users.UpdateSecurityStampAsync(user).ConfigureAwait(false)); // signs the user's sessions out to pick up the role
    }

    /// <summary>Locks (indefinitely) or unlocks a user. A locked user cannot sign in, and their API keys stop working.</summary>
    public async Task SetLockedAsync(string userId, bool locked, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await FindAsync(users, userId).ConfigureAwait(false);
        if (locked && await users.IsInRoleAsync(user, PortalRoles.Admin).ConfigureAwait(false))
        {
            await EnsureAnotherAdminAsync(users, user).ConfigureAwait(false);
        }
        Check(await users.SetLockoutEnabledAsync(user, true).ConfigureAwait(false));
        Check(await users.SetLockoutEndDateAsync(user, locked ? DateTimeOffset.MaxValue : null).ConfigureAwait(false));
        Check(await users.UpdateSecurityStampAsync(user).ConfigureAwait(false));
    }

    /// <summary>Sets a new one-time password (returned) that the user must change at next sign-in.</summary>
    public async Task<string> ResetPasswordAsync(string userId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await FindAsync(users, userId).ConfigureAwait(false);
        var password = OneTimePassword.Generate();
        var token = await users.GeneratePasswordResetTokenAsync(user).ConfigureAwait(false);
        Check(await users.ResetPasswordAsync(user, token, password).ConfigureAwait(false));
        user.MustChangePassword = true;
        Check(await users.UpdateAsync(user).ConfigureAwait(false));
        Check(await users.UpdateSecurityStampAsync(user).ConfigureAwait(false));
        return password;
    }

    private static async Task<PortalUser> FindAsync(UserManager<PortalUser> users, string userId) =>
        await users.FindByIdAsync(userId).ConfigureAwait(false) ?? throw RequestValidationException.For("UserId", "The user does not exist.");

    private async Task EnsureAnotherAdminAsync(UserManager<PortalUser> users, PortalUser user)
    {
        var admins = await users.GetUsersInRoleAsync(PortalRoles.Admin).ConfigureAwait(false);
        if (!admins.Any(a => a.Id != user.Id && (a.LockoutEnd is null || a.LockoutEnd < time.GetUtcNow())))
        {
            throw RequestValidationException.For("Role", "This is the last administrator who can sign in; make someone else an administrator first.");
        }
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new RequestValidationException(new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                [""] = [.. result.Errors.Select(e => e.Description)],
            });
        }
    }
}
