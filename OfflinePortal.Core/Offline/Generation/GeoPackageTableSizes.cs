using Microsoft.Data.Sqlite;
using OfflinePortal.Core.Packaging;

namespace OfflinePortal.Core.Offline;

/// <summary>
/// Bytes each layer takes in a finished feature GeoPackage: its values and geometries as stored plus its attachments'
/// data (indexes and page overhead are not counted; the bundled SQLite has no <c>dbstat</c> to measure pages).
/// </summary>
internal static class GeoPackageTableSizes
{
    public static Dictionary<int, long> Read(string path, IEnumerable<GeoPackageLayer> layers)
    {
        var result = new Dictionary<int, long>();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        foreach (var layer in layers)
        {
            var columns = layer.Columns.Select(c => c.ColumnName).Append(layer.GeometryColumn).OfType<string>()
                .Select(c => $"COALESCE(length({PackageNames.QuoteIdentifier(c)}), 0)");
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COALESCE(SUM({string.Join(" + ", columns)}), 0) FROM {PackageNames.QuoteIdentifier(layer.TableName)}";
            var bytes = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            if (layer.AttachmentTable is { } attachments)
            {
                command.CommandText = $"SELECT COALESCE(SUM(length(data)), 0) FROM {PackageNames.QuoteIdentifier(attachments)}";
                bytes += Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            }
            result[layer.LayerId] = bytes;
        }
        return result;
    }
}
