using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using OfflinePortal.Core;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Web.Components.Pages.ApiKeys;

/// <summary>The signed-in user's API keys (an admin sees everyone's): create (shown once), revoke, last used.</summary>
public sealed partial class ApiKeysPage
{
    private IReadOnlyList<ApiKeyInfo> _keys = [];
    private string _name = "";
    private string? _error;
    private bool _isAdmin;
    private string _userId = "";

    [Inject]
    public required ApiKeyService Keys { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [CascadingParameter]
    public required Task<AuthenticationState> AuthenticationState { get; set; }

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        _isAdmin = user.IsInRole(PortalRoles.Admin);
        _userId = user.UserId() ?? "";
        await LoadAsync();
    }

    private async Task LoadAsync() => _keys = await Keys.ListAsync(_isAdmin ? null : _userId, CancellationToken.None);

    private async Task CreateAsync()
    {
        _error = null;
        try
        {
            var created = await Keys.CreateAsync(_userId, _name, CancellationToken.None);
            _name = "";
            await LoadAsync();
            var parameters = new DialogParameters<ApiKeyCreatedDialog>
            {
                { d => d.Key, created.Key },
                { d => d.Name, created.Info.Name },
            };
            var dialog = await Dialogs.ShowAsync<ApiKeyCreatedDialog>("API key created", parameters,
                new DialogOptions { BackdropClick = false, CloseOnEscapeKey = false, MaxWidth = MaxWidth.Medium, FullWidth = true });
            await dialog.Result;
        }
        catch (RequestValidationException ex)
        {
            _error = ex.Message;
        }
    }

    private async Task RevokeAsync(ApiKeyInfo key)
    {
        if (await Keys.RevokeAsync(key.Id, _userId, _isAdmin, CancellationToken.None))
        {
            Snackbar.Add($"Key '{key.Name}' revoked.", Severity.Info);
        }
        await LoadAsync();
    }
}
