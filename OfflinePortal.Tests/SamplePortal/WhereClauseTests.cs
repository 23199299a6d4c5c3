using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.SamplePortal;
using OfflinePortal.SamplePortal.Data;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.SamplePortal;

/// <summary>
/// The where-clause subset gives exact counts (held to SQL of our own run straight on the sample portal's SQLite file),
/// and clauses outside the subset answer a 400 envelope and change nothing.
/// </summary>
public sealed class WhereClauseTests(WhereClauseTests.Host host) : IClassFixture<WhereClauseTests.Host>
{
    public sealed class Host : IAsyncLifetime
    {
        public SamplePortalServer Server { get; private set; } = null!;

        public SamplePortalClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Server = await SamplePortalServer.StartAsync(o => o.HydrantCount = 700);
            Client = new SamplePortalClient(Server);
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            await Server.DisposeAsync();
        }
    }

    private SamplePortalClient C => host.Client;

    private string DatabasePath => host.Server.Services.GetRequiredService<SampleStore>().DatabasePath;

    private static long Ms(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) => new DateTimeOffset(y, mo, d, h, mi, s, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private long Sql(string sql)
    {
        using var conn = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>The where clause sent to the server, and the same predicate in our own SQL (no LIKE, no date parsing).</summary>
    public static TheoryData<string, string> Cases => new()
    {
        { "INSTALLDATE < DATE '2000-01-01'", $"INSTALLDATE < {Ms(2000, 1, 1)}" },
        { "INSTALLDATE >= date '1985-03-01'", $"INSTALLDATE >= {Ms(1985, 3, 1)}" },
        { "INSTALLDATE BETWEEN DATE '1980-01-01' AND DATE '1990-12-31'", $"INSTALLDATE >= {Ms(1980, 1, 1)} AND INSTALLDATE <= {Ms(1990, 12, 31)}" },
        { "LASTINSPECTION > TIMESTAMP '2023-01-01 00:00:00'", $"LASTINSPECTION > {Ms(2023, 1, 1)}" },
        { "LASTINSPECTION <= TIMESTAMP '2022-07-15 16:00:00'", $"LASTINSPECTION <= {Ms(2022, 7, 15, 16)}" },
        { "LASTINSPECTION < TIMESTAMP '2022-07-15 16:00:00'", $"LASTINSPECTION < {Ms(2022, 7, 15, 16)}" },
        { "FLOWRATE BETWEEN 800 AND 1200", "FLOWRATE >= 800 AND FLOWRATE <= 1200" },
        { "FLOWRATE NOT BETWEEN 800 AND 1200", "FLOWRATE < 800 OR FLOWRATE > 1200" },
        { "ASSETID LIKE 'HYD-00001%'", "substr(ASSETID, 1, 9) = 'HYD-00001'" },
        { "ASSETID LIKE 'HYD-0000_5_'", "substr(ASSETID, 1, 8) = 'HYD-0000' AND substr(ASSETID, 10, 1) = '5' AND length(ASSETID) = 11" },
        { "ASSETID NOT LIKE '%5'", "substr(ASSETID, -1) <> '5'" },
        { "LASTINSPECTION IS NULL", "LASTINSPECTION IS NULL" },
        { "LASTINSPECTION IS NOT NULL", "LASTINSPECTION IS NOT NULL" },
        { "STATUS IN ('Retired', 'NeedsRepair')", "STATUS = 'Retired' OR STATUS = 'NeedsRepair'" },
        { "STATUS NOT IN ('InService', 'Retired')", "STATUS <> 'InService' AND STATUS <> 'Retired'" },
        { "OBJECTID IN (1, 2, 3, 500, 9999)", "OBJECTID = 1 OR OBJECTID = 2 OR OBJECTID = 3 OR OBJECTID = 500" },
        { "NOT (FLOWRATE > 1000)", "FLOWRATE <= 1000" },
        { "NOT STATUS = 'InService' AND FLOWRATE > 1500", "STATUS <> 'InService' AND FLOWRATE > 1500" },
        { "(STATUS = 'Retired' OR STATUS = 'OutOfService') AND NOT (LASTINSPECTION IS NULL)", "(STATUS = 'Retired' OR STATUS = 'OutOfService') AND LASTINSPECTION IS NOT NULL" },
        { "UPPER(HYDRANTTYPE) = UPPER('dry barrel')", "upper(HYDRANTTYPE) = 'DRY BARREL'" },
        { "STATUS = 'a'' OR ''1''=''1'", "0" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Where_Subset_CountEqualsOwnSql(string where, string sql)
    {
        var expected = Sql($"SELECT COUNT(*) FROM hydrants WHERE {sql}");
        var total = Sql("SELECT COUNT(*) FROM hydrants");

        var count = await C.CountAsync("WaterNetwork", 0, where);

        Assert.Equal(expected, count);
        // An ignored predicate would count every row; a broken one none (except the quoted-injection case, which must be none).
        Assert.True(expected < total, $"'{where}' selects every row, so it could not catch an ignored predicate");
        var ids = await C.GetAsync(C.Fs("WaterNetwork") + "/0/query", ("where", where), ("returnIdsOnly", "true"));
        Assert.Equal(expected, ids.GetProperty("objectIds").GetArrayLength());
    }

    [Fact]
    public void Where_Cases_EachSelectSomeRows()
    {
        foreach (var row in Cases)
        {
            var sql = (string)row[1];
            if (sql != "0")
            {
                Assert.True(Sql($"SELECT COUNT(*) FROM hydrants WHERE {sql}") > 0, sql);
            }
        }
    }

    /// <summary>A digest of every row of every table, to show that a request changed nothing.</summary>
    private string DatabaseDigest()
    {
        using var conn = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        conn.Open();
        var tables = new List<string>();
        using (var list = conn.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
            using var r = list.ExecuteReader();
            while (r.Read())
            {
                tables.Add(r.GetString(0));
            }
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var t in tables)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(t));
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT * FROM \"{t}\" ORDER BY rowid";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                for (var i = 0; i < r.FieldCount; i++)
                {
                    hash.AppendData(r.IsDBNull(i) ? [0] : r.GetValue(i) is byte[] b ? b : Encoding.UTF8.GetBytes(Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture)!));
                }
            }
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    [Theory]
    [InlineData("1=1; DROP TABLE hydrants")]
    [InlineData("1=1; DELETE FROM hydrants")]
    [InlineData("STATUS = 'x'; UPDATE hydrants SET STATUS = 'x'")]
    [InlineData("OBJECTID = (SELECT MAX(OBJECTID) FROM hydrants)")]
    [InlineData("EXISTS (SELECT 1 FROM hydrants)")]
    [InlineData("STATUS = 'x' UNION SELECT OBJECTID FROM hydrants")]
    [InlineData("ABS(FLOWRATE) > 0")]
    [InlineData("sqlite_version() = '3'")]
    [InlineData("LENGTH(ASSETID) > 3")]
    [InlineData("STATUS = 'InService' -- AND 1=0")]
    [InlineData("STATUS = 'InService' /* AND 1=0 */")]
    [InlineData("STATUS = \"InService\"")]
    [InlineData("1=1 ATTACH DATABASE 'x' AS y")]
    public async Task Where_Hostile_AnswersErrorEnvelopeAndChangesNothing(string where)
    {
        var before = DatabaseDigest();
        var fs = C.Fs("WaterNetwork");

        var query = await C.GetAsync(fs + "/0/query", ("where", where), ("returnCountOnly", "true"));
        var delete = await C.PostAsync(fs + "/0/deleteFeatures", ("where", where));
        var replica = await C.PostAsync(fs + "/createReplica", ("layers", "0"), ("geometry", "-122.72,42.18,-122.70,42.20"), ("inSR", "4326"),
            ("syncModel", "none"), ("layerQueries", "{\"0\":{\"queryOption\":\"useFilter\",\"where\":" + System.Text.Json.JsonSerializer.Serialize(where) + "}}"));

        foreach (var answer in new[] { query, delete, replica })
        {
            Assert.Equal(400, SamplePortalClient.ErrorCode(answer));
            Assert.False(string.IsNullOrEmpty(answer.GetProperty("error").GetProperty("message").GetString()));
        }
        Assert.Equal(before, DatabaseDigest());
    }
}
