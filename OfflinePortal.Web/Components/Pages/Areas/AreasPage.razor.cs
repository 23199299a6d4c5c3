using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Areas;
using OfflinePortal.Web.Components.Shared;

namespace OfflinePortal.Web.Components.Pages.Areas;

public sealed partial class AreasPage
{
    private IReadOnlyList<AreaListItem> _areas = [];
    private bool _loading = true;
    private bool _canEdit;

    [Inject]
    public required AreaService Areas { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [CascadingParameter]
    public required Task<AuthenticationState> AuthenticationState { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _canEdit = (await AuthenticationState).User.CanOperate();
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _areas = await Areas.ListAreasAsync(null, CancellationToken.None);
        _loading = false;
    }

    private async Task DeleteAsync(AreaListItem area)
    {
        if (!await Dialogs.ConfirmAsync("Delete area?", $"Area '{area.Name}' is deleted. Jobs made from it keep their own copy of the area.", "Delete area"))
        {
            return;
        }
        await Areas.DeleteAreaAsync(area.Id, CancellationToken.None);
        Snackbar.Add($"Area '{area.Name}' deleted; jobs made from it keep their own copy.", Severity.Info);
        await LoadAsync();
    }
}
