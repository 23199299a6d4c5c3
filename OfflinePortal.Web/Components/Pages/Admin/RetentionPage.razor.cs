using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using OfflinePortal.Core;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Web.Components.Shared;

namespace OfflinePortal.Web.Components.Pages.Admin;

public sealed partial class RetentionPage
{
    private int? _days;
    private string? _error;
    private string? _updated;

    [Inject]
    public required PortalSettingsService Settings { get; init; }

    [Inject]
    public required PackageRetentionSweeper Sweeper { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [CascadingParameter]
    public required Task<AuthenticationState> AuthenticationState { get; set; }

    protected override async Task OnInitializedAsync()
    {
        var settings = await Settings.GetAsync(CancellationToken.None);
        _days = settings.PackageRetentionDays;
        _updated = settings.UpdatedBy is null ? null : $"Last changed {Format.Utc(settings.UpdatedUtc)} UTC by {settings.UpdatedBy}.";
    }

    private async Task SaveAsync()
    {
        _error = null;
        try
        {
            await Settings.SetRetentionAsync(_days, (await AuthenticationState).User.Name(), CancellationToken.None);
            Snackbar.Add(_days is null ? "Packages are kept for ever." : $"Packages are kept {_days} days.", Severity.Success);
        }
        catch (RequestValidationException ex)
        {
            _error = ex.Message;
        }
    }

    private async Task SweepAsync()
    {
        var deleted = await Sweeper.SweepAsync(CancellationToken.None);
        Snackbar.Add($"{deleted} package(s) deleted.", Severity.Info);
    }
}
