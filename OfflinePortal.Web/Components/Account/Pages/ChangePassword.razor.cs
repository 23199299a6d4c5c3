using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Web.Components.Account.Pages;

public sealed partial class ChangePassword
{
    private readonly List<string> _errors = [];
    private bool _mustChange;

    [Inject]
    public required SignInManager<PortalUser> SignInManager { get; init; }

    [Inject]
    public required IdentityRedirectManager Redirect { get; init; }

    [CascadingParameter]
    public HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromForm]
    private ChangePasswordInput? Input { get; set; }

    [SupplyParameterFromQuery]
    private string? ReturnUrl { get; set; }

    protected override async Task OnInitializedAsync()
    {
        Input ??= new();
        var user = await SignInManager.UserManager.GetUserAsync(HttpContext.User);
        _mustChange = user?.MustChangePassword == true;
    }

    private async Task ChangeAsync()
    {
        _errors.Clear();
        var user = await SignInManager.UserManager.GetUserAsync(HttpContext.User);
        if (user is null)
        {
            Redirect.RedirectTo("/Account/Login");
            return;
        }
        if (Input!.NewPassword == Input!.CurrentPassword)
        {
            _errors.Add("The new password must differ from the current one.");
            return;
        }
        var result = await SignInManager.UserManager.ChangePasswordAsync(user, Input!.CurrentPassword, Input!.NewPassword);
        if (!result.Succeeded)
        {
            _errors.AddRange(result.Errors.Select(e => e.Code == "PasswordMismatch" ? "The current password is not correct." : e.Description));
            return;
        }
        user.MustChangePassword = false;
        await SignInManager.UserManager.UpdateAsync(user);
        await SignInManager.RefreshSignInAsync(user);
        Redirect.RedirectTo(ReturnUrl);
    }

    private sealed class ChangePasswordInput
    {
        [Required(ErrorMessage = "Enter your current password.")]
        public string CurrentPassword { get; set; } = "";

        [Required(ErrorMessage = "Enter a new password.")]
        [StringLength(200, MinimumLength = 10, ErrorMessage = "The new password needs at least 10 characters.")]
        public string NewPassword { get; set; } = "";

        [Compare(nameof(NewPassword), ErrorMessage = "The two new passwords differ.")]
        public string ConfirmPassword { get; set; } = "";
    }
}
