using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Tests.Integration.WebMaps;
using OfflinePortal.Web.Security;

namespace OfflinePortal.Tests.Integration.Portal;

/// <summary>The external portal's secrets are stored encrypted, and come back decrypted through the provider only.</summary>
public sealed class PortalConnectionSecretsTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Theory]
    [InlineData(PortalAuthenticationKind.ApiKey)]
    [InlineData(PortalAuthenticationKind.UsernamePassword)]
    public async Task Save_StoresTheSecretEncrypted_AndGetGivesItBack(PortalAuthenticationKind kind)
    {
        var secret = "Very-Secret-" + Guid.NewGuid().ToString("N");
        var provider = factory.Services.GetRequiredService<PortalConnectionProvider>();
        await provider.SaveAsync(new PortalConnectionForm
        {
            PortalUrl = "https://gis.example.org/portal",
            Authentication = kind,
            ApiKey = kind == PortalAuthenticationKind.ApiKey ? secret : null,
            Username = kind == PortalAuthenticationKind.UsernamePassword ? "gisadmin" : null,
            Password = kind == PortalAuthenticationKind.UsernamePassword ? secret : null,
        }, "tests", CancellationToken.None);

        // The stored row, read straight from the SQLite file: the secret is there, but not in clear text.
        var row = await ReadConnectionRowAsync();
        var protectedColumn = kind == PortalAuthenticationKind.ApiKey ? "ProtectedApiKey" : "ProtectedPassword";
        Assert.False(string.IsNullOrEmpty(row[protectedColumn]), $"{protectedColumn} is empty");
        Assert.All(row, column => Assert.DoesNotContain(secret, column.Value ?? "", StringComparison.Ordinal));
        // Nor anywhere in the database files (the WAL included), in UTF-8 or UTF-16.
        foreach (var file in Directory.EnumerateFiles(Path.Combine(factory.DataDirectory, "portal"), "portal.db*"))
        {
            var bytes = await ReadSharedAsync(file);
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)));
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(secret)));
        }

        var connection = await provider.GetAsync(CancellationToken.None);
        Assert.Equal(secret, kind == PortalAuthenticationKind.ApiKey ? connection.ApiKey : connection.Password);
        Assert.False(connection.IsSample);
        // The admin page's form says a secret is set, never which.
        var form = await provider.GetFormAsync(CancellationToken.None);
        Assert.Null(form.ApiKey);
        Assert.Null(form.Password);
        Assert.True(kind == PortalAuthenticationKind.ApiKey ? form.HasApiKey : form.HasPassword);

        await provider.SaveAsync(new PortalConnectionForm(), "tests", CancellationToken.None); // back to the sample portal
    }

    private async Task<Dictionary<string, string?>> ReadConnectionRowAsync()
    {
        await using var sqlite = new SqliteConnection($"Data Source={Path.Combine(factory.DataDirectory, "portal", "portal.db")};Mode=ReadOnly;Pooling=False");
        await sqlite.OpenAsync();
        await using var command = sqlite.CreateCommand();
        command.CommandText = "SELECT * FROM \"PortalConnectionSettings\"";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "no connection row");
        var row = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            row[reader.GetName(i)] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
        }
        Assert.False(await reader.ReadAsync(), "more than one connection row");
        return row;
    }

    /// <summary>The file's bytes; none when SQLite removed it between listing and reading (the -wal and -shm files go
    /// when the last connection closes, and then hold nothing).</summary>
    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
        catch (FileNotFoundException)
        {
            return [];
        }
    }
}

/// <summary>
/// "Test connection" (the service behind the admin page's button) against the sample portal with token security on a
/// real port: each request and what the portal answered, the token never shown; a wrong password, an address where
/// nothing answers and a web page instead of a portal each give a clear message.
/// </summary>
public sealed class PortalConnectionTesterTests(SecuredWebMapsPortalFixture portal) : IClassFixture<SecuredWebMapsPortalFixture>
{
    private PortalConnectionTester Tester => portal.Factory.Services.GetRequiredService<PortalConnectionTester>();

    private PortalConnectionProvider Provider => portal.Factory.Services.GetRequiredService<PortalConnectionProvider>();

    [Fact]
    public async Task TestConnection_StoredCredential_ShowsEachStepAndHidesTheToken()
    {
        var result = await Tester.TestAsync(await Provider.GetAsync(CancellationToken.None), CancellationToken.None);

        Assert.True(result.Success, result.Summary + "\n" + string.Join("\n", result.Steps));
        Assert.Contains("with the credential", result.Summary, StringComparison.Ordinal);
        Assert.Equal(["GET info", "POST generateToken", "GET portals/self"], result.Steps.Select(s => s.Request));
        Assert.All(result.Steps, s => Assert.Equal("HTTP 200", s.Status));
        Assert.Contains("isTokenBasedSecurity", result.Steps[0].Body, StringComparison.Ordinal);
        Assert.Equal("{ \"token\": \"(hidden)\" }", result.Steps[1].Body);
        Assert.Contains("Ashland Water", result.Steps[2].Body, StringComparison.Ordinal);
        Assert.All(result.Steps, s => Assert.DoesNotContain(SecuredWebMapsPortalFixture.Password, s.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TestConnection_WrongPassword_SaysItWasRefused_AndShowsThePortalsAnswer()
    {
        var connection = await Provider.ResolveAsync(new PortalConnectionForm
        {
            PortalUrl = portal.BaseUrl + "/sample",
            Authentication = PortalAuthenticationKind.UsernamePassword,
            Username = SecuredWebMapsPortalFixture.Username,
            Password = "not-the-password",
        }, CancellationToken.None);

        var result = await Tester.TestAsync(connection!, CancellationToken.None);

        Assert.False(result.Success);
        Assert.Equal("The portal refused the user name and password.", result.Summary);
        var token = result.Steps.Single(s => s.Request == "POST generateToken");
        Assert.Contains("ArcGIS error", token.Status, StringComparison.Ordinal);
        Assert.Contains("\"error\"", token.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", token.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnection_NothingAnswers_SaysItCouldNotReachThePortal()
    {
        // A port that was free a moment ago: nothing listens there.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await Tester.TestAsync(new PortalConnection(new Uri($"http://127.0.0.1:{port}/portal"), PortalAuthenticationKind.Anonymous, null, null, null, false), CancellationToken.None);

        Assert.False(result.Success);
        Assert.StartsWith($"Could not reach http://127.0.0.1:{port}/portal", result.Summary, StringComparison.Ordinal);
        Assert.Equal("no answer", result.Steps.Single().Status);
    }

    [Fact]
    public async Task TestConnection_AWebPageInsteadOfAPortal_SaysItIsNotAnArcGisPortal()
    {
        // The portal's own address (not /sample): its sign-in page answers, in HTML.
        var result = await Tester.TestAsync(new PortalConnection(new Uri(portal.BaseUrl), PortalAuthenticationKind.Anonymous, null, null, null, false), CancellationToken.None);

        Assert.False(result.Success);
        Assert.Equal($"{new Uri(portal.BaseUrl)} did not answer as an ArcGIS portal.", result.Summary);
        Assert.Contains("<", result.Steps.Single().Body, StringComparison.Ordinal);
    }
}
