namespace OfflinePortal.Core.Jobs;

/// <summary>The values the audit's filter lists offer: users, web maps and crews that appear in jobs.</summary>
public sealed record AuditFilterOptions(
    IReadOnlyList<AuditFilterOption<string>> Users,
    IReadOnlyList<AuditFilterOption<string>> WebMaps,
    IReadOnlyList<AuditFilterOption<int>> Crews);

public sealed record AuditFilterOption<T>(T Value, string Label);
