using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OfflinePortal.SamplePortal.Data;

/// <summary>
/// The sample portal's SQLite file: schema, generated data, change tracking and replicas. Reads run on their own
/// pooled connections (WAL lets them proceed beside a writer); writes are serialised so generation numbers are
/// allocated in order and no writer ever waits on SQLITE_BUSY.
/// </summary>
public sealed class SampleStore : IDisposable
{
    /// <summary>Bumped whenever the generated content or the schema changes, so old files are rebuilt.</summary>
    internal const int GeneratorVersion = 3;

    private readonly SamplePortalOptions _options;
    private readonly ILogger<SampleStore> _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private volatile bool _ready;
    private string? _connectionString;

    public SampleStore(IOptions<SamplePortalOptions> options, IHostEnvironment? environment, ILogger<SampleStore> logger, TimeProvider time)
    {
        _options = options.Value;
        _logger = logger;
        _time = time;
        var dir = _options.DataDirectory;
        DataDirectory = Path.IsPathRooted(dir) ? dir : Path.GetFullPath(Path.Combine(environment?.ContentRootPath ?? AppContext.BaseDirectory, dir));
        DatabasePath = Path.Combine(DataDirectory, "sample-portal.db");
        ReplicaFilesDirectory = Path.Combine(DataDirectory, "replicafiles");
    }

    /// <summary>Absolute folder of the store.</summary>
    public string DataDirectory { get; }

    /// <summary>Absolute path of the SQLite file.</summary>
    public string DatabasePath { get; }

    internal string ReplicaFilesDirectory { get; }

    internal TimeProvider Time => _time;

    internal long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Creates or upgrades the file and generates the sample data when it is missing or was made with other size settings.</summary>
    public async Task EnsureReadyAsync(CancellationToken cancellationToken = default)
    {
        if (_ready)
        {
            return;
        }
        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ready)
            {
                return;
            }
            Directory.CreateDirectory(DataDirectory);
            Directory.CreateDirectory(ReplicaFilesDirectory);
            var fingerprint = Fingerprint();
            if (ReadFingerprint() != fingerprint)
            {
                await Task.Run(() => Generate(fingerprint, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            _connectionString = ConnectionString(DatabasePath);
            _ready = true;
        }
        finally
        {
            _initLock.Release();
        }
    }

    private string Fingerprint() => string.Create(CultureInfo.InvariantCulture, $"v{GeneratorVersion};hydrants={_options.HydrantCount}");

    private static string ConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    private string? ReadFingerprint()
    {
        if (!File.Exists(DatabasePath))
        {
            return null;
        }
        try
        {
            using var conn = new SqliteConnection(ConnectionString(DatabasePath));
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT value FROM meta WHERE key = 'fingerprint'";
            return cmd.ExecuteScalar() as string;
        }
        catch (SqliteException ex)
        {
            _logger.LogWarning(ex, "The sample portal store {Path} cannot be read; it will be generated again", DatabasePath);
            return null;
        }
    }

    private void Generate(string fingerprint, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var building = DatabasePath + ".building";
        DeleteDatabaseFiles(building);
        var cs = ConnectionString(building);
        using (var conn = new SqliteConnection(cs))
        {
            conn.Open();
            Exec(conn, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
            SampleDataGenerator.Generate(conn, _options.HydrantCount, cancellationToken);
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "INSERT OR REPLACE INTO meta(key, value) VALUES ('fingerprint', $f)";
            cmd.Parameters.AddWithValue("$f", fingerprint);
            cmd.ExecuteNonQuery();
            Exec(conn, "PRAGMA journal_mode=WAL;");
        }
        SqliteConnection.ClearPool(new SqliteConnection(cs));
        SqliteConnection.ClearPool(new SqliteConnection(ConnectionString(DatabasePath)));
        DeleteDatabaseFiles(DatabasePath);
        File.Move(building, DatabasePath);
        foreach (var f in Directory.EnumerateFiles(ReplicaFilesDirectory))
        {
            File.Delete(f);
        }
        _logger.LogInformation("Generated the sample portal store {Path} ({Hydrants} hydrants) in {Elapsed} ms",
            DatabasePath, _options.HydrantCount, (long)_time.GetElapsedTime(started).TotalMilliseconds);
    }

    private static void DeleteDatabaseFiles(string path)
    {
        foreach (var p in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            if (File.Exists(p))
            {
                File.Delete(p);
            }
        }
    }

    internal static void Exec(SqliteConnection conn, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>An open connection for reading (and, inside <see cref="WriteAsync{T}"/>, writing).</summary>
    internal SqliteConnection Open()
    {
        if (!_ready || _connectionString is null)
        {
            throw new InvalidOperationException("The sample store is not ready; call EnsureReadyAsync first.");
        }
        var conn = new SqliteConnection(_connectionString);
        conn.Open();
        return conn;
    }

    /// <summary>
    /// A connection inside a read transaction, so several statements see one snapshot (WAL): a replica's data and its
    /// generation agree even while edits go on. Commands need no Transaction property; disposing ends the snapshot.
    /// </summary>
    internal SnapshotConnection OpenSnapshot()
    {
        var conn = Open();
        Exec(conn, "BEGIN DEFERRED;");
        return new SnapshotConnection(conn);
    }

    internal sealed class SnapshotConnection(SqliteConnection connection) : IDisposable
    {
        public SqliteConnection Connection => connection;

        public void Dispose()
        {
            try
            {
                Exec(connection, "ROLLBACK;");
            }
            finally
            {
                connection.Dispose();
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> in one write transaction, after every earlier write has finished; rolls back if it throws.</summary>
    internal async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var conn = Open();
            using var tx = conn.BeginTransaction();
            var result = work(conn, tx);
            tx.Commit();
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Allocates the next generation of a service inside a write transaction.</summary>
    internal static long NextGeneration(SqliteConnection conn, SqliteTransaction tx, string service)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "UPDATE service_state SET generation = generation + 1 WHERE service = $s RETURNING generation";
        cmd.Parameters.AddWithValue("$s", service);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    internal static long CurrentGeneration(SqliteConnection conn, string service, SqliteTransaction? tx = null)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT generation FROM service_state WHERE service = $s";
        cmd.Parameters.AddWithValue("$s", service);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    internal static void TouchLayer(SqliteConnection conn, SqliteTransaction tx, LayerDef layer, long nowMs)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT OR REPLACE INTO layer_state(table_name, last_edit) VALUES ($t, $n)";
        cmd.Parameters.AddWithValue("$t", layer.Table);
        cmd.Parameters.AddWithValue("$n", nowMs);
        cmd.ExecuteNonQuery();
    }

    internal long LastEditDate(LayerDef layer)
    {
        using var conn = Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT last_edit FROM layer_state WHERE table_name = $t";
        cmd.Parameters.AddWithValue("$t", layer.Table);
        return cmd.ExecuteScalar() is long v ? v : 0;
    }

    public void Dispose()
    {
        if (_connectionString is not null)
        {
            SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        }
        _writeLock.Dispose();
        _initLock.Dispose();
    }
}
