using System.Globalization;
using MudBlazor;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Web.Components.Shared;

/// <summary>How the pages write sizes, times, durations and states (invariant culture, UTC).</summary>
public static class Format
{
    public static string Bytes(long? bytes)
    {
        if (bytes is not { } b)
        {
            return "—";
        }
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double value = b;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? string.Create(CultureInfo.InvariantCulture, $"{b:N0} B") : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }

    public static string Utc(DateTime? value) => value?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "—";

    public static string Duration(double? seconds)
    {
        if (seconds is not { } s)
        {
            return "—";
        }
        var span = TimeSpan.FromSeconds(s);
        return span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h {span.Minutes:00}m")
            : span.TotalMinutes >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m {span.Seconds:00}s")
                : string.Create(CultureInfo.InvariantCulture, $"{s:0.0}s");
    }

    public static string Count(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "—";

    /// <summary>"1,234 km²"; below 10 km² with one decimal ("2.5 km²").</summary>
    public static string SquareKilometres(double value) =>
        value.ToString(value < 10 ? "N1" : "N0", CultureInfo.InvariantCulture) + " km²";

    public static string Percent(double fraction) => fraction.ToString("0%", CultureInfo.InvariantCulture);

    public static string State(JobState state) => state switch
    {
        JobState.SucceededWithErrors => "Succeeded with errors",
        _ => state.ToString(),
    };

    public static Color StateColor(JobState state) => state switch
    {
        JobState.Queued => Color.Default,
        JobState.Running => Color.Info,
        JobState.Succeeded => Color.Success,
        JobState.SucceededWithErrors => Color.Warning,
        JobState.Failed => Color.Error,
        _ => Color.Dark,
    };

    public static string Phase(JobLayerPhase phase) => phase switch
    {
        JobLayerPhase.OnlineOnly => "stays online",
        JobLayerPhase.Offline => "offline",
        _ => phase.ToString().ToLowerInvariant(),
    };

    public static string LayerStatus(LayerResultStatus status) => status switch
    {
        LayerResultStatus.Offline => "offline",
        LayerResultStatus.OnlineOnly => "stays online",
        LayerResultStatus.Omitted => "omitted",
        _ => "failed",
    };
}
