using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using OfflinePortal.Core.Jobs;

namespace OfflinePortal.Core.Offline;

/// <summary>One row of the capability report: a layer or table with its status, the reason and the remedy.</summary>
public sealed record CapabilityReportRow(
    string Id,
    string Title,
    [property: JsonConverter(typeof(JsonStringEnumConverter<OfflineLayerKind>))] OfflineLayerKind Kind,
    string? LayerType,
    bool IsTable,
    bool IsBasemap,
    [property: JsonConverter(typeof(JsonStringEnumConverter<OfflineCapabilityStatus>))] OfflineCapabilityStatus Status,
    string StatusText,
    string Reason,
    string? Remedy,
    string? Url);

/// <summary>
/// The web map's capability report as the page shows it and as it is exported (CSV for spreadsheets, JSON for scripts):
/// layers first, then tables, each with its status in words, the reason and the remedy when there is one.
/// </summary>
public static class OfflineCapabilityReport
{
    public static readonly IReadOnlyList<string> CsvHeader = ["Id", "Title", "Kind", "Layer type", "Table", "Basemap", "Status", "Reason", "Remedy", "URL"];

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The status in a few plain words.</summary>
    public static string StatusText(OfflineCapabilityStatus status) => status switch
    {
        OfflineCapabilityStatus.Offline => "Goes offline, syncs",
        OfflineCapabilityStatus.OfflineReadOnly => "Goes offline, read-only",
        OfflineCapabilityStatus.OnlineOnly => "Stays online",
        _ => "Cannot be used",
    };

    public static IReadOnlyList<CapabilityReportRow> Rows(OfflineMapCapabilities capabilities)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        return
        [
            .. capabilities.LayerCapabilities.Select(c => Row(c, isTable: false)),
            .. capabilities.TableCapabilities.Select(c => Row(c, isTable: true)),
        ];
    }

    /// <summary>RFC 4180 CSV (UTF-8, CRLF), spreadsheet-formula-safe, the same quoting as the audit export.</summary>
    public static async Task WriteCsvAsync(OfflineMapCapabilities capabilities, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(string.Join(',', CsvHeader.Select(JobCsvWriter.Field))).ConfigureAwait(false);
        foreach (var row in Rows(capabilities))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string?[] fields =
            [
                row.Id, row.Title, row.Kind.ToString(), row.LayerType, row.IsTable ? "yes" : "no", row.IsBasemap ? "yes" : "no",
                row.StatusText, row.Reason, row.Remedy, row.Url,
            ];
            await writer.WriteLineAsync(string.Join(',', fields.Select(JobCsvWriter.Field))).ConfigureAwait(false);
        }
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The report as indented JSON: the web map, whether any layer cannot be used, and the rows.</summary>
    public static async Task WriteJsonAsync(string webMapId, string? webMapTitle, OfflineMapCapabilities capabilities, Stream output,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        var report = new CapabilityReportDocument(webMapId, webMapTitle, capabilities.HasErrors, Rows(capabilities));
        await JsonSerializer.SerializeAsync(output, report, JsonOptions, cancellationToken).ConfigureAwait(false);
    }

    private static CapabilityReportRow Row(OfflineLayerCapability c, bool isTable) =>
        new(c.Id, c.Title, c.Kind, c.LayerType, isTable, c.IsBasemap, c.Status, StatusText(c.Status), c.Reason, c.Remedy, c.Url);
}

/// <summary>The JSON export of a capability report.</summary>
public sealed record CapabilityReportDocument(string WebMapId, string? WebMapTitle, bool HasErrors, IReadOnlyList<CapabilityReportRow> Rows);
