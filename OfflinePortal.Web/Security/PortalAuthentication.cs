using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Web.Security;

/// <summary>
/// Cookie sign-in for people (Identity) and API keys for scripts, behind one policy scheme that picks by request. An
/// anonymous page request is redirected to sign-in; an anonymous API, hub or download request gets 401 (403 when the
/// role is missing).
/// </summary>
public static class PortalAuthentication
{
    public const string Scheme = "Portal";
    public const string LoginPath = "/Account/Login";
    public const string ChangePasswordPath = "/Account/ChangePassword";
    public const string AccessDeniedPath = "/Account/AccessDenied";
    public const string ApiPath = "/api";
    public const string HubsPath = "/hubs";

    public static bool IsMachineRequest(HttpRequest request) =>
        request.Path.StartsWithSegments(ApiPath) || request.Path.StartsWithSegments(HubsPath) || request.Path.StartsWithSegments("/openapi")
        || request.Path.StartsWithSegments(SamplePortalAddress.MountPath);

    public static IServiceCollection AddPortalAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = Scheme;
                options.DefaultChallengeScheme = Scheme;
                options.DefaultForbidScheme = Scheme;
            })
            .AddPolicyScheme(Scheme, "Cookie or API key", options =>
                options.ForwardDefaultSelector = context => ApiKeyAuthenticationHandler.HasKey(context.Request)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = LoginPath;
            options.AccessDeniedPath = AccessDeniedPath;
            options.Cookie.Name = ".OfflinePortal.Auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.SlidingExpiration = true;
            options.ExpireTimeSpan = TimeSpan.FromHours(12);
            options.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
        });
        // A locked user or a changed role takes effect within a minute, not at the default 30.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddIdentityCore<PortalUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = false;
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 10;
                options.Lockout.MaxFailedAccessAttempts = 10;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<PortalUserClaimsPrincipalFactory>();

        services.AddAuthorization(PortalPolicies.Configure);
        services.AddSingleton<IAuthorizationHandler, SamplePortalAccessHandler>();
        return services;
    }

    private static Task RedirectOrStatus(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (IsMachineRequest(context.Request))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// While a user still has a one-time password, only the account pages and static files answer: pages redirect to the
    /// change-password page, API calls get 403.
    /// </summary>
    public static IApplicationBuilder UseMustChangePassword(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.User.HasClaim(c => c.Type == PortalClaims.MustChangePassword)
            && !context.Request.Path.StartsWithSegments("/Account", StringComparison.OrdinalIgnoreCase)
            && context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is null)
        {
            if (IsMachineRequest(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsJsonAsync(new { error = "The password must be changed before using the portal." });
                return;
            }
            context.Response.Redirect(ChangePasswordPath);
            return;
        }
        await next(context);
    });
}
