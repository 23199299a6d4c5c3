using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using OfflinePortal.Core;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Areas;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Core.WebMaps;

namespace OfflinePortal.Web.Components.Pages.Areas;

/// <summary>Creates or edits an area: name, crew, web map, and the geometry drawn on the map or uploaded as GeoJSON.</summary>
public sealed partial class AreaEditPage
{
    private IReadOnlyList<Crew> _crews = [];
    private Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);
    private bool _canEdit;
    private bool _notFound;
    private string _name = "";
    private int? _crewId;
    private string _webMapId = "";
    private string? _webMapTitle;
    private string? _geoJson;
    private string? _uploadedName;
    private string _userName = "";

    [Parameter]
    public int? Id { get; set; }

    [Inject]
    public required AreaService Areas { get; init; }

    [Inject]
    public required AreaValidator Validator { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required WebMapCatalog Catalog { get; init; }

    /// <summary>A new area for this web map (the web map page's "New area"); after saving, the page returns to that web map.</summary>
    [SupplyParameterFromQuery(Name = "webMap")]
    public string? WebMapQuery { get; set; }

    private string BackUrl => Id is null && WebMapCatalog.IsItemId(WebMapQuery) ? $"webmaps/{Uri.EscapeDataString(WebMapQuery!)}" : "areas";

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [CascadingParameter]
    public required Task<AuthenticationState> AuthenticationState { get; set; }

    /// <summary>
    /// The map's two-way binding: a drawing replaces the geometry and is checked at once, so a shape over the engine's
    /// limit says so beside the map before anyone presses Save.
    /// </summary>
    private string? GeometryBinding
    {
        get => _geoJson;
        set => SetGeometry(value, uploadedName: null);
    }

    /// <summary>The area's size in km², as the engine measures it; null while there is no readable shape.</summary>
    private double? SquareKilometres { get; set; }

    private void SetGeometry(string? geoJson, string? uploadedName)
    {
        _geoJson = geoJson;
        _uploadedName = uploadedName;
        SquareKilometres = AreaValidator.SquareKilometres(geoJson);
        _errors.Remove("GeoJson");
        if (geoJson is not null && Validator.Validate(geoJson) is { IsValid: false } result)
        {
            _errors["GeoJson"] = [result.Error!];
        }
    }

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        _canEdit = user.CanOperate();
        if (Id is null && !_canEdit)
        {
            return; // only supervisors and admins create areas; the page says so instead of a form that cannot be saved
        }
        _userName = user.Name();
        _crews = await Areas.ListCrewsAsync(CancellationToken.None);
        if (Id is { } id)
        {
            var area = await Areas.GetAreaAsync(id, CancellationToken.None);
            if (area is null)
            {
                _notFound = true;
                return;
            }
            (_name, _crewId, _webMapId, _webMapTitle, _geoJson) = (area.Name, area.CrewId, area.WebMapId, area.WebMapTitle, area.GeoJson);
            SquareKilometres = AreaValidator.SquareKilometres(_geoJson);
        }
        else if (WebMapCatalog.IsItemId(WebMapQuery))
        {
            _webMapId = WebMapQuery!;
            try
            {
                _webMapTitle = (await Catalog.GetAsync(WebMapQuery!, CancellationToken.None)).Title;
            }
            catch (WebMapCatalogException)
            {
                // The title is a convenience; the id alone is enough to save the area.
            }
        }
    }

    private void PickWebMap(WebMapSummary map)
    {
        _webMapId = map.Id;
        _webMapTitle = map.Title;
        _errors.Remove("WebMapId");
    }

    private string? Error(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private async Task UploadAsync(InputFileChangeEventArgs e)
    {
        _errors.Remove("GeoJson");
        var file = e.File;
        if (file.Size == 0)
        {
            _errors["GeoJson"] = [$"The file {file.Name} is empty."];
            return;
        }
        if (file.Size > AreaValidator.MaxGeoJsonBytes)
        {
            _errors["GeoJson"] = [$"The file {file.Name} is larger than {AreaValidator.MaxGeoJsonBytes / 1024} KB; simplify the area first."];
            return;
        }
        await using var stream = file.OpenReadStream(AreaValidator.MaxGeoJsonBytes);
        var result = await Validator.ValidateAsync(stream, CancellationToken.None);
        if (!result.IsValid)
        {
            _errors["GeoJson"] = [$"{file.Name}: {result.Error}"];
            return; // the previous geometry stays
        }
        SetGeometry(result.GeoJson, file.Name);
    }

    private async Task SaveAsync()
    {
        try
        {
            var area = await Areas.SaveAreaAsync(Id, new AreaInput(_name, _webMapId, _webMapTitle, _crewId, _geoJson ?? ""), _userName, CancellationToken.None);
            Snackbar.Add($"Area '{area.Name}' saved.", Severity.Success);
            Navigation.NavigateTo(BackUrl);
        }
        catch (RequestValidationException ex)
        {
            _errors = new Dictionary<string, string[]>(ex.Errors, StringComparer.Ordinal);
        }
    }
}
