using Microsoft.AspNetCore.Identity;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Web.Security;

namespace OfflinePortal.Web.Endpoints;

/// <summary>Sign-out: a form POST (antiforgery-checked) from the layout.</summary>
public static class AccountEndpoints
{
    public static IEndpointConventionBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/Account");
        account.MapPost("/Logout", async (SignInManager<PortalUser> signIn, HttpContext context) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect(PortalAuthentication.LoginPath);
        }).AllowAnonymous();
        return account;
    }
}
