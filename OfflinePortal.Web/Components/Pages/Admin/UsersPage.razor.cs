using Microsoft.AspNetCore.Components;
using MudBlazor;
using OfflinePortal.Core;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Web.Components.Pages.Admin;

/// <summary>Admins create users with a role, change roles, lock and reset passwords (one-time passwords shown once).</summary>
public sealed partial class UsersPage
{
    private IReadOnlyList<UserInfo> _users = [];
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private string _email = "";
    private string _displayName = "";
    private string _role = PortalRoles.Supervisor;

    [Inject]
    public required UserAdministrationService Users { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private async Task LoadAsync() => _users = await Users.ListAsync(CancellationToken.None);

    private string? Error(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private async Task CreateAsync()
    {
        _errors = new Dictionary<string, string[]>();
        try
        {
            var password = await Users.CreateAsync(_email, _displayName, _role, CancellationToken.None);
            var email = _email.Trim();
            (_email, _displayName) = ("", "");
            await LoadAsync();
            await ShowPasswordAsync(email, password);
        }
        catch (RequestValidationException ex)
        {
            _errors = ex.Errors;
        }
    }

    private async Task ChangeRoleAsync(UserInfo user, string role) => await RunAsync(() => Users.ChangeRoleAsync(user.Id, role, CancellationToken.None), $"{user.Email} is now {role}.");

    private async Task ToggleLockAsync(UserInfo user) =>
        await RunAsync(() => Users.SetLockedAsync(user.Id, !user.IsLockedOut, CancellationToken.None), $"{user.Email} {(user.IsLockedOut ? "unlocked" : "locked")}.");

    private async Task ResetAsync(UserInfo user)
    {
        try
        {
            var password = await Users.ResetPasswordAsync(user.Id, CancellationToken.None);
            await LoadAsync();
            await ShowPasswordAsync(user.Email, password);
        }
        catch (RequestValidationException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
    }

    private async Task RunAsync(Func<Task> action, string done)
    {
        try
        {
            await action();
            Snackbar.Add(done, Severity.Success);
        }
        catch (RequestValidationException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
        await LoadAsync();
    }

    private async Task ShowPasswordAsync(string user, string password)
    {
        var parameters = new DialogParameters<OneTimePasswordDialog> { { d => d.Password, password }, { d => d.User, user } };
        var dialog = await Dialogs.ShowAsync<OneTimePasswordDialog>("One-time password", parameters,
            new DialogOptions { BackdropClick = false, CloseOnEscapeKey = false, MaxWidth = MaxWidth.Small, FullWidth = true });
        await dialog.Result;
    }
}
