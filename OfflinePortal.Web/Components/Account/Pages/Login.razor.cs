using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Web.Security;

namespace OfflinePortal.Web.Components.Account.Pages;

public sealed partial class Login
{
    private string? _error;

    [Inject]
    public required SignInManager<PortalUser> SignInManager { get; init; }

    [Inject]
    public required IdentityRedirectManager Redirect { get; init; }

    [CascadingParameter]
    public HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromForm]
    private LoginInput? Input { get; set; }

    [SupplyParameterFromQuery]
    private string? ReturnUrl { get; set; }

    protected override void OnInitialized() => Input ??= new();

    private async Task SignInAsync()
    {
        var result = await SignInManager.PasswordSignInAsync(Input!.Email.Trim(), Input!.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            var user = await SignInManager.UserManager.FindByNameAsync(Input!.Email.Trim());
            Redirect.RedirectTo(user?.MustChangePassword == true
                ? $"{PortalAuthentication.ChangePasswordPath}?ReturnUrl={Uri.EscapeDataString(ReturnUrl ?? "/")}"
                : ReturnUrl);
            return;
        }
        _error = result.IsLockedOut
            ? "This account is locked. Ask an administrator, or try again in a few minutes."
            : "The e-mail or password is not correct.";
    }

    private sealed class LoginInput
    {
        [Required(ErrorMessage = "Enter your e-mail.")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Enter your password.")]
        public string Password { get; set; } = "";
    }
}
