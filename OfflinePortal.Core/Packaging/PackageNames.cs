using System.Globalization;
using System.Text;

namespace OfflinePortal.Core.Packaging;

/// <summary>
/// Naming rules for everything a package derives from service data: SQL identifiers (always quoted), table names
/// (letters, digits, underscore; unique; never a reserved prefix) and file names (safe on Windows, macOS and Linux).
/// </summary>
public static class PackageNames
{
    /// <summary>The longest table name produced; leaves room for the <c>rtree_</c> and <c>__ATTACHREL</c> affixes.</summary>
    public const int MaxTableNameLength = 48;

    public const int MaxFileNameLength = 80;

    private static readonly string[] ReservedTablePrefixes = ["gpkg", "rtree_", "sqlite_", "op_", "trigger_"];

    private static readonly HashSet<string> WindowsReservedNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    /// <summary>Quotes an SQL identifier (table, column, trigger) so that any text is safe inside a statement.</summary>
    public static string QuoteIdentifier(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        if (identifier.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("An SQL identifier cannot contain a NUL character.", nameof(identifier));
        }
        return "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>Quotes an SQL string literal (used only in DDL such as trigger bodies, where parameters are not allowed).</summary>
    public static string QuoteLiteral(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("An SQL literal cannot contain a NUL character.", nameof(value));
        }
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>
    /// A table name from a service layer name: ASCII letters, digits and underscores (accents dropped, anything else
    /// becomes <c>_</c>), starting with a letter, at most <see cref="MaxTableNameLength"/> characters, not starting with
    /// a prefix GeoPackage or the package reserves, and unique (case-insensitively) among <paramref name="used"/>,
    /// to which the result is added.
    /// </summary>
    public static string ToTableName(string? name, ISet<string> used)
    {
        ArgumentNullException.ThrowIfNull(used);
        var core = AsciiWord(name, allowDash: false);
        if (core.Length == 0)
        {
            core = "layer";
        }
        if (!char.IsAsciiLetter(core[0]))
        {
            core = "t_" + core;
        }
        foreach (var prefix in ReservedTablePrefixes)
        {
            if (core.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                core = "l_" + core;
                break;
            }
        }
        // Double underscores separate a layer from its companion tables (x__ATTACH), so a layer never has one itself.
        while (core.Contains("__", StringComparison.Ordinal))
        {
            core = core.Replace("__", "_", StringComparison.Ordinal);
        }
        core = core.TrimEnd('_');
        if (core.Length > MaxTableNameLength)
        {
            core = core[..MaxTableNameLength].TrimEnd('_');
        }
        return MakeUnique(core, used, MaxTableNameLength);
    }

    /// <summary>
    /// A file name (without extension) from a title: ASCII letters, digits, <c>-</c> and <c>_</c>; never empty, never a
    /// Windows device name, at most <see cref="MaxFileNameLength"/> characters, unique (case-insensitively) among
    /// <paramref name="used"/> when given.
    /// </summary>
    public static string ToFileStem(string? title, ISet<string>? used = null)
    {
        var stem = AsciiWord(title, allowDash: true).Trim('_', '-');
        if (stem.Length == 0)
        {
            stem = "item";
        }
        if (stem.Length > MaxFileNameLength)
        {
            stem = stem[..MaxFileNameLength].TrimEnd('_', '-');
        }
        if (WindowsReservedNames.Contains(stem))
        {
            stem += "_";
        }
        return used is null ? stem : MakeUnique(stem, used, MaxFileNameLength);
    }

    private static string MakeUnique(string candidate, ISet<string> used, int maxLength)
    {
        var result = candidate;
        for (var n = 2; ContainsIgnoreCase(used, result); n++)
        {
            var suffix = "_" + n.ToString(CultureInfo.InvariantCulture);
            var head = candidate.Length + suffix.Length > maxLength ? candidate[..(maxLength - suffix.Length)] : candidate;
            result = head + suffix;
        }
        used.Add(result);
        return result;
    }

    internal static bool ContainsIgnoreCase(IEnumerable<string> names, string name) =>
        names.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));

    private static string AsciiWord(string? text, bool allowDash)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            var keep = char.IsAsciiLetterOrDigit(c) || c == '_' || (allowDash && c == '-');
            var next = keep ? c : '_';
            if (next == '_' && builder.Length > 0 && builder[^1] == '_')
            {
                continue;
            }
            builder.Append(next);
        }
        return builder.ToString();
    }
}
