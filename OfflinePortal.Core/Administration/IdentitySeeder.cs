using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Administration;

/// <summary>
/// Creates the roles, and on first start (no user at all) the first administrator: from <c>Portal:Admin:Email</c> and
/// <c>Portal:Admin:Password</c>, or else with a one-time password written once to the log and changed at first sign-in.
/// </summary>
public sealed partial class IdentitySeeder(IOptions<PortalOptions> options, TimeProvider time, ILogger<IdentitySeeder> logger) : IDatabaseSeeder
{
    public const string DefaultAdminEmail = "admin@offlineportal.local";

    public async Task SeedAsync(PortalDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(services);
        var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in PortalRoles.All)
        {
            if (!await roles.RoleExistsAsync(role).ConfigureAwait(false))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)).ConfigureAwait(false), $"create role {role}");
            }
        }
        if (await db.Users.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        var users = services.GetRequiredService<UserManager<PortalUser>>();
        var admin = options.Value.Admin;
        var email = string.IsNullOrWhiteSpace(admin.Email) ? DefaultAdminEmail : admin.Email.Trim();
        var configured = !string.IsNullOrEmpty(admin.Password);
        var password = configured ? admin.Password! : OneTimePassword.Generate();
        var user = new PortalUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = "Administrator",
            MustChangePassword = !configured,
            CreatedUtc = time.GetUtcNow().UtcDateTime,
            LockoutEnabled = true,
        };
        Check(await users.CreateAsync(user, password).ConfigureAwait(false), $"create the first administrator {email} (check Portal:Admin:Password against the password rules)");
        Check(await users.AddToRoleAsync(user, PortalRoles.Admin).ConfigureAwait(false), "make the first user an administrator");
        if (configured)
        {
            LogConfiguredAdmin(logger, email);
        }
        else
        {
            LogGeneratedAdmin(logger, email, password);
        }
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the first administrator {Email} with the password from configuration (Portal:Admin:Password).")]
    private static partial void LogConfiguredAdmin(ILogger logger, string email);

    [LoggerMessage(Level = LogLevel.Warning, Message = "FIRST START: created the administrator {Email} with the one-time password {Password} . Sign in with it and choose a new password; it is not shown again.")]
    private static partial void LogGeneratedAdmin(ILogger logger, string email, string password);
}
