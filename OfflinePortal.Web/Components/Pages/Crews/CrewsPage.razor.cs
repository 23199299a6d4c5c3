using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using OfflinePortal.Core;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Areas;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Web.Components.Shared;

namespace OfflinePortal.Web.Components.Pages.Crews;

public sealed partial class CrewsPage
{
    private IReadOnlyList<Crew> _crews = [];
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private bool _loading = true;
    private bool _canEdit;
    private int? _editingId;
    private string _name = "";
    private string? _notes;

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
        _loading = true;
        _crews = await Areas.ListCrewsAsync(CancellationToken.None);
        _loading = false;
    }

    private string? Error(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private void Edit(Crew crew)
    {
        _editingId = crew.Id;
        _name = crew.Name;
        _notes = crew.Notes;
        _errors = new Dictionary<string, string[]>();
    }

    private void Reset()
    {
        _editingId = null;
        _name = "";
        _notes = null;
        _errors = new Dictionary<string, string[]>();
    }

    private async Task SaveAsync()
    {
        try
        {
            var crew = await Areas.SaveCrewAsync(_editingId, _name, _notes, CancellationToken.None);
            Snackbar.Add($"Crew '{crew.Name}' saved.", Severity.Success);
            Reset();
            await LoadAsync();
        }
        catch (RequestValidationException ex)
        {
            _errors = ex.Errors;
        }
    }

    private async Task DeleteAsync(Crew crew)
    {
        if (!await Dialogs.ConfirmAsync("Delete crew?", $"Crew '{crew.Name}' is deleted. Jobs already run keep its name in their records.", "Delete crew"))
        {
            return;
        }
        try
        {
            await Areas.DeleteCrewAsync(crew.Id, CancellationToken.None);
            Snackbar.Add($"Crew '{crew.Name}' deleted.", Severity.Info);
            await LoadAsync();
        }
        catch (RequestValidationException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
    }
}
