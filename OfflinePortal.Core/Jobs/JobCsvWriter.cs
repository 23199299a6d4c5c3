using System.Globalization;
using System.Text;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Jobs;

/// <summary>
/// Writes audit rows as CSV (RFC 4180: CRLF lines, fields with a comma, quote or line break in double quotes, quotes
/// doubled). Text that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) is prefixed with an
/// apostrophe. Rows are written as they are read, so memory stays flat whatever the number of jobs.
/// </summary>
public static class JobCsvWriter
{
    public static readonly IReadOnlyList<string> Header =
    [
        "Id", "State", "User", "UserId", "Created (UTC)", "Started (UTC)", "Finished (UTC)", "Duration (s)", "Web map id",
        "Web map", "Area", "Crew", "Package bytes", "Package deleted (UTC)", "Attempt", "Retry of", "Error",
    ];

    public static async Task WriteAsync(IAsyncEnumerable<JobSummary> rows, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        var line = new StringBuilder(512);
        WriteLine(writer, line, Header);
        var count = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            WriteLine(writer, line,
            [
                row.Id.ToString("D"),
                row.State.ToString(),
                row.CreatedByName,
                row.CreatedByUserId,
                Date(row.CreatedUtc),
                Date(row.StartedUtc),
                Date(row.FinishedUtc),
                row.DurationSeconds?.ToString("0.###", CultureInfo.InvariantCulture),
                row.WebMapId,
                row.WebMapTitle,
                row.AreaName,
                row.CrewName,
                row.PackageBytes?.ToString(CultureInfo.InvariantCulture),
                Date(row.PackageDeletedUtc),
                row.Attempt.ToString(CultureInfo.InvariantCulture),
                row.RetryOfJobId?.ToString("D"),
                row.Error,
            ]);
            if (++count % 256 == 0)
            {
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One CSV field: formula-safe, quoted when needed.</summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }

    private static void WriteLine(StreamWriter writer, StringBuilder line, IReadOnlyList<string?> fields)
    {
        line.Clear();
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }
            line.Append(Field(fields[i]));
        }
        writer.WriteLine(line);
    }

    private static string? Date(DateTime? value) => value?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
