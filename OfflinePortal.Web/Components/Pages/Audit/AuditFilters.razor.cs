using Microsoft.AspNetCore.Components;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Web.Components.Pages.Audit;

/// <summary>The audit's filters; every change raises <see cref="QueryChanged"/> with the filter part of a <see cref="JobQuery"/>.</summary>
public sealed partial class AuditFilters
{
    private string? _userId;
    private string? _webMapId;
    private int? _crewId;
    private IReadOnlyCollection<JobState> _states = [];
    private DateTime? _from;
    private DateTime? _to;
    private string? _text;

    [Parameter, EditorRequired]
    public required AuditFilterOptions Options { get; set; }

    [Parameter]
    public EventCallback<JobQuery> QueryChanged { get; set; }

    /// <summary>The filters as a query (first page, default sort): dates are whole UTC days, the end day included.</summary>
    public JobQuery ToQuery() => new()
    {
        UserId = _userId,
        WebMapId = _webMapId,
        CrewId = _crewId,
        States = _states.Count > 0 ? [.. _states.Order()] : null,
        FromUtc = _from is { } from ? DateTime.SpecifyKind(from.Date, DateTimeKind.Utc) : null,
        ToUtc = _to is { } to ? DateTime.SpecifyKind(to.Date.AddDays(1), DateTimeKind.Utc) : null,
        Text = string.IsNullOrWhiteSpace(_text) ? null : _text.Trim(),
    };

    private Task SetUser(string? value) => Changed(() => _userId = value);

    private Task SetWebMap(string? value) => Changed(() => _webMapId = value);

    private Task SetCrew(int? value) => Changed(() => _crewId = value);

    private Task SetStates(IReadOnlyCollection<JobState>? value) => Changed(() => _states = value ?? []);

    private Task SetFrom(DateTime? value) => Changed(() => _from = value);

    private Task SetTo(DateTime? value) => Changed(() => _to = value);

    private Task SetText(string? value) => Changed(() => _text = value);

    private Task Changed(Action apply)
    {
        apply();
        return QueryChanged.InvokeAsync(ToQuery());
    }
}
