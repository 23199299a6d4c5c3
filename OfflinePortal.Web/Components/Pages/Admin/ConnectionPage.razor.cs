using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using OfflinePortal.Core;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Web.Security;

namespace OfflinePortal.Web.Components.Pages.Admin;

/// <summary>The external portal's address and credential (stored encrypted), with a test that shows what the portal answered.</summary>
public sealed partial class ConnectionPage
{
    private PortalConnectionForm _form = new();
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private string? _url;
    private PortalAuthenticationKind _authentication;
    private string? _apiKey;
    private string? _username;
    private string? _password;
    private bool _testing;
    private PortalConnectionTestResult? _test;

    [Inject]
    public required PortalConnectionProvider Connection { get; init; }

    [Inject]
    public required PortalConnectionTester Tester { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [CascadingParameter]
    public required Task<AuthenticationState> AuthenticationState { get; set; }

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private async Task LoadAsync()
    {
        _form = await Connection.GetFormAsync(CancellationToken.None);
        (_url, _authentication, _username, _apiKey, _password) = (_form.PortalUrl, _form.Authentication, _form.Username, null, null);
    }

    private string? Error(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private PortalConnectionForm Current => _form with
    {
        PortalUrl = _url,
        Authentication = _authentication,
        ApiKey = string.IsNullOrEmpty(_apiKey) ? null : _apiKey,
        Username = _username,
        Password = string.IsNullOrEmpty(_password) ? null : _password,
    };

    private async Task SaveAsync()
    {
        _errors = new Dictionary<string, string[]>();
        try
        {
            await Connection.SaveAsync(Current, (await AuthenticationState).User.Name(), CancellationToken.None);
            Snackbar.Add(string.IsNullOrWhiteSpace(_url) ? "The sample portal is the source again." : "Portal connection saved.", Severity.Success);
            await LoadAsync();
        }
        catch (RequestValidationException ex)
        {
            _errors = ex.Errors;
        }
    }

    private async Task TestAsync()
    {
        _errors = new Dictionary<string, string[]>();
        _testing = true;
        try
        {
            var connection = await Connection.ResolveAsync(Current, CancellationToken.None);
            _test = connection is null
                ? new PortalConnectionTestResult(false, "The sample portal is not mounted here; enter a portal address.", [])
                : await Tester.TestAsync(connection, CancellationToken.None);
        }
        catch (RequestValidationException ex)
        {
            _errors = ex.Errors;
        }
        finally
        {
            _testing = false;
        }
    }
}
