using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace OfflinePortal.Core.Packaging;

/// <summary>
/// One prepared SQLite statement on a <see cref="SqliteConnection"/>'s handle, bound and stepped through SQLite's C
/// API. For the packagers' per-row loops only: <see cref="SqliteCommand"/> binds each parameter through type mapping
/// and boxing that costs microseconds, which over millions of rows and a dozen columns is most of a large layer's
/// write time. It runs inside whatever transaction the connection has open.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    public int ParameterCount => raw.sqlite3_bind_parameter_count(_statement);

    /// <summary>Binds parameter <paramref name="index"/> (1-based) to a value as <see cref="FieldValues.ToDbValue"/> returns them.</summary>
    public void Bind(int index, object? value)
    {
        var rc = value switch
        {
            null or DBNull => raw.sqlite3_bind_null(_statement, index),
            long l => raw.sqlite3_bind_int64(_statement, index, l),
            int i => raw.sqlite3_bind_int64(_statement, index, i),
            double d => raw.sqlite3_bind_double(_statement, index, d),
            string s => raw.sqlite3_bind_text(_statement, index, s),
            byte[] b => raw.sqlite3_bind_blob(_statement, index, b),
            bool b => raw.sqlite3_bind_int64(_statement, index, b ? 1 : 0),
            _ => throw new ArgumentException($"A value of type {value.GetType().Name} cannot be bound.", nameof(value)),
        };
        Check(rc);
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, double value) => Check(raw.sqlite3_bind_double(_statement, index, value));

    public void BindBlob(int index, ReadOnlySpan<byte> blob) => Check(raw.sqlite3_bind_blob(_statement, index, blob));

    /// <summary>Runs a statement that returns no rows, then resets it for the next binding.</summary>
    public void Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
        {
            Check(rc);
        }
    }

    /// <summary>Steps a query: true while there is a row to read.</summary>
    public bool Read()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            Check(rc);
        }
        return false;
    }

    public long GetInt64(int column) => raw.sqlite3_column_int64(_statement, column);

    public double GetDouble(int column) => raw.sqlite3_column_double(_statement, column);

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
