using System.Globalization;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Replicas;

namespace OfflinePortal.Tests.ArcGis;

public sealed class CredentialTests : IAsyncLifetime
{
    private const string Secret = "SeCrEt-T0ken-Value-0123456789";
    private const string Password = "pa55-W0rd-not-to-leak";
    private const string ServicePath = "arcgis/rest/services/Water/FeatureServer";
    private ArcGisTestServer _server = null!;
    private int _issued;

    private Uri Portal => _server.Url("portal/sharing/rest");

    private Uri Service => _server.Url(ServicePath);

    public async Task InitializeAsync()
    {
        _server = await ArcGisTestServer.StartAsync();
        _server.MapJson("portal/sharing/rest/info",
            $$$"""{"owningSystemUrl":null,"authInfo":{"tokenServicesUrl":"{{{_server.Url("portal/sharing/rest/generateToken")}}}","isTokenBasedSecurity":true}}""");
        _server.Map("portal/sharing/rest/generateToken", async ctx =>
        {
            var form = await ctx.Request.ReadFormAsync();
            if (form["username"] != "crew" || form["password"] != Password)
            {
                await ArcGisTestServer.WriteAsync(ctx, 200, "application/json", ArcGisTestServer.FixtureText("error-400-generateToken-failed.json"));
                return;
            }
            var n = Interlocked.Increment(ref _issued);
            var expires = DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeMilliseconds();
            await ArcGisTestServer.WriteAsync(ctx, 200, "application/json",
                $$"""{"token":"{{Secret}}-{{n}}","expires":{{expires}},"ssl":false}""");
        });
        _server.MapFixture(ServicePath, "featureserver-root-sync-enabled-readonly-agol.json");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task UsernamePassword_DiscoversTokenServiceAndSendsTokenAsParameterAndHeader()
    {
        await using var clients = ClientHarness.Create();
        var credential = ArcGisCredential.FromUsernamePassword(Portal, "crew", Password);

        await clients.Features.GetServiceInfoAsync(Service, credential);
        await clients.Features.GetServiceInfoAsync(Service, credential);

        var issue = _server.RequestsTo("portal/sharing/rest/generateToken").Single();
        Assert.Equal("POST", issue.Method);
        Assert.Equal("crew", issue.Form["username"]);
        Assert.Equal("referer", issue.Form["client"]);
        Assert.Equal(_server.BaseUrl.GetLeftPart(UriPartial.Authority), issue.Form["referer"]);
        Assert.Equal("120", issue.Form["expiration"]);
        Assert.Equal("json", issue.Form["f"]);
        var calls = _server.RequestsTo(ServicePath);
        Assert.All(calls, c => Assert.Equal(Secret + "-1", c.Parameter("token")));
        Assert.All(calls, c => Assert.Equal("Bearer " + Secret + "-1", c.Headers["X-Esri-Authorization"]));
        Assert.All(calls, c => Assert.Equal(_server.BaseUrl.GetLeftPart(UriPartial.Authority), c.Headers["Referer"]));
    }

    [Fact]
    public async Task TokenInvalidMidCall_RenewsOnceAndRetries()
    {
        _server.Enqueue(ServicePath, Fault.Json(ArcGisTestServer.FixtureText("error-498-invalid-token.json")));
        await using var clients = ClientHarness.Create();
        var credential = ArcGisCredential.FromUsernamePassword(Portal, "crew", Password);

        var info = await clients.Features.GetServiceInfoAsync(Service, credential);

        Assert.True(info.SupportsSync);
        Assert.Equal([Secret + "-1", Secret + "-2"], _server.RequestsTo(ServicePath).Select(r => r.Parameter("token")));
        Assert.Equal(2, _server.RequestsTo("portal/sharing/rest/generateToken").Count);
        Assert.Contains(clients.Logs.Lines, l => l.Message.Contains("renewing it and retrying once", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokenInvalidAfterRenewal_ThrowsTokenInvalid()
    {
        var invalid = ArcGisTestServer.FixtureText("error-498-invalid-token.json");
        _server.Enqueue(ServicePath, Fault.Json(invalid), Fault.Json(invalid), Fault.Json(invalid));
        await using var clients = ClientHarness.Create();

        var e = await Assert.ThrowsAsync<ArcGisServiceException>(() =>
            clients.Features.GetServiceInfoAsync(Service, ArcGisCredential.FromUsernamePassword(Portal, "crew", Password)));

        Assert.True(e.IsTokenInvalid);
        Assert.Equal(2, _server.RequestsTo(ServicePath).Count);
    }

    [Fact]
    public async Task FixedToken_Rejected_IsNotRenewed()
    {
        _server.Enqueue(ServicePath, Fault.Json(ArcGisTestServer.FixtureText("error-498-invalid-token.json")));
        await using var clients = ClientHarness.Create();

        var e = await Assert.ThrowsAsync<ArcGisServiceException>(() =>
            clients.Features.GetServiceInfoAsync(Service, ArcGisCredential.FromToken(Portal, Secret)));

        Assert.True(e.IsTokenInvalid);
        Assert.Single(_server.RequestsTo(ServicePath));
        Assert.Empty(_server.RequestsTo("portal/sharing/rest/generateToken"));
    }

    [Fact]
    public async Task Anonymous_TokenRequired_IsDistinguishable()
    {
        _server.Enqueue(ServicePath, Fault.Json(ArcGisTestServer.FixtureText("error-499-token-required.json")));
        await using var clients = ClientHarness.Create();

        var e = await Assert.ThrowsAsync<ArcGisServiceException>(() => clients.Features.GetServiceInfoAsync(Service));

        Assert.True(e.IsTokenRequired);
        Assert.False(e.IsTokenInvalid);
        Assert.Equal("GWM_0003", e.MessageCode);
        Assert.Null(_server.RequestsTo(ServicePath).Single().Parameter("token"));
    }

    [Fact]
    public async Task WrongPassword_FailsWithPortalMessageAndNoPassword()
    {
        await using var clients = ClientHarness.Create();

        var e = await Assert.ThrowsAsync<ArcGisServiceException>(() =>
            clients.Features.GetServiceInfoAsync(Service, ArcGisCredential.FromUsernamePassword(Portal, "crew", "wrong-" + Password)));

        Assert.Equal(400, e.Code);
        Assert.Contains("as 'crew' failed: Unable to generate token.", e.Message);
        Assert.Contains("Invalid username or password.", e.Message);
        Assert.DoesNotContain(Password, e.ToString());
        Assert.Empty(_server.RequestsTo(ServicePath));
    }

    [Fact]
    public async Task GenerateToken_Direct_ReturnsTokenWithExpiryAndHidesItInToString()
    {
        await using var clients = ClientHarness.Create();

        var token = await clients.Portal.GenerateTokenAsync(Portal, "crew", Password);

        Assert.Equal(Secret + "-1", token.Token);
        Assert.True(token.Expires > DateTimeOffset.UtcNow);
        Assert.DoesNotContain(Secret, token.ToString());
    }

    [Fact]
    public async Task Token_IsNotSentToForeignHosts_ButToTrustedOnes()
    {
        await using var clients = ClientHarness.Create();
        var foreign = new UriBuilder(Service) { Host = "localhost" }.Uri;
        var ownPortal = ArcGisCredential.FromToken(Portal, Secret);
        var otherPortal = ArcGisCredential.FromToken(new Uri("https://portal.example.com/portal"), Secret);
        var trusting = ArcGisCredential.FromToken(new Uri("https://portal.example.com/portal"), Secret, ["127.0.0.1"]);

        await clients.Features.GetServiceInfoAsync(foreign, ownPortal);
        await clients.Features.GetServiceInfoAsync(Service, otherPortal);
        await clients.Features.GetServiceInfoAsync(Service, trusting);

        var calls = _server.RequestsTo(ServicePath);
        Assert.Null(calls[0].Parameter("token"));
        Assert.False(calls[0].Headers.ContainsKey("X-Esri-Authorization"));
        Assert.Null(calls[1].Parameter("token"));
        Assert.Equal(Secret, calls[2].Parameter("token"));
    }

    [Fact]
    public async Task TokenRequired_ByHostTheCredentialIsNotSentTo_ExplainsHowToTrustIt()
    {
        _server.Enqueue(ServicePath, Fault.Json(ArcGisTestServer.FixtureText("error-499-token-required.json")));
        await using var clients = ClientHarness.Create();
        var elsewhere = ArcGisCredential.FromToken(new Uri("https://portal.example.com/portal"), Secret);

        var e = await Assert.ThrowsAsync<ArcGisServiceException>(() => clients.Features.GetServiceInfoAsync(Service, elsewhere));

        Assert.True(e.IsTokenRequired);
        Assert.Contains("add '127.0.0.1' to its trusted hosts", e.Message);
        Assert.DoesNotContain(Secret, e.ToString());
    }

    [Fact]
    public void Credential_AppliesToArcGisOnlineFamily()
    {
        var online = ArcGisCredential.FromToken(new Uri("https://www.arcgis.com"), Secret);

        Assert.True(online.AppliesTo(new Uri("https://services3.arcgis.com/abc/arcgis/rest/services/x/FeatureServer")));
        Assert.True(online.AppliesTo(new Uri("https://tiledbasemaps.arcgis.com/arcgis/rest/services/World_Imagery/MapServer")));
        Assert.True(online.AppliesTo(new Uri("https://services.arcgisonline.com/ArcGIS/rest/services/World_Street_Map/MapServer")));
        Assert.False(online.AppliesTo(new Uri("https://evil-arcgis.com.example.org/FeatureServer")));
        Assert.False(ArcGisCredential.Anonymous.AppliesTo(new Uri("https://www.arcgis.com/sharing/rest")));
    }

    [Fact]
    public async Task Secrets_NeverAppearInMessagesLogsOrToString()
    {
        await using var clients = ClientHarness.Create(o => o.MaxRetryAttempts = 1);
        var credential = ArcGisCredential.FromUsernamePassword(Portal, "crew", Password);
        var fixedToken = ArcGisCredential.FromToken(Portal, Secret);
        var failures = new List<Exception>();
        // A server that echoes the request URL (token included) in its error message.
        _server.Map(ServicePath + "/echo", ctx => ArcGisTestServer.WriteAsync(ctx, 200, "application/json",
            $$$"""{"error":{"code":403,"message":"Denied for {{{ctx.Request.Path}}}{{{ctx.Request.QueryString}}}","details":["token={{{ctx.Request.Query["token"]}}}"]}}"""));
        _server.Enqueue(ServicePath + "/html", Fault.Html(), Fault.Html());
        _server.Enqueue(ServicePath + "/broken", Fault.Status(500), Fault.Status(500));
        _server.Enqueue(ServicePath + "/cut", Fault.TruncatedJson("{\"layers\":[1,2,3,4,5,6,7,8,9,10]}"));
        _server.MapJson("jobs/j", """{"status":"Failed","statusMessage":"nope"}""");

        foreach (var (path, c) in new[] { ("echo", credential), ("html", credential), ("broken", fixedToken), ("cut", fixedToken) })
        {
            failures.Add(await Assert.ThrowsAnyAsync<ArcGisException>(() => clients.Features.GetServiceInfoAsync(_server.Url(ServicePath + "/" + path), c)));
        }
        failures.Add(await Assert.ThrowsAnyAsync<ArcGisException>(() => clients.Features.WaitForReplicaJobAsync(_server.Url("jobs/j"), fixedToken)));
        failures.Add(await Assert.ThrowsAnyAsync<ArcGisException>(() =>
            clients.Features.GetServiceInfoAsync(new Uri(_server.Url(ServicePath + "/missing") + "?token=" + Secret), ArcGisCredential.Anonymous)));

        Assert.Equal(6, failures.Count);
        Assert.Contains(Secret, _server.RequestsTo(ServicePath + "/echo")[0].Parameter("token"));
        foreach (var failure in failures)
        {
            Assert.DoesNotContain(Secret, failure.ToString());
            Assert.DoesNotContain(Secret, ((ArcGisException)failure).RequestUrl);
            Assert.DoesNotContain(Password, failure.ToString());
        }
        Assert.Contains("token=***", ((ArcGisException)failures[0]).RequestUrl);
        var logs = clients.AllLogText();
        Assert.NotEmpty(logs);
        Assert.DoesNotContain(Secret, logs);
        Assert.DoesNotContain(Password, logs);
        Assert.DoesNotContain(Secret, credential.ToString());
        Assert.DoesNotContain(Password, credential.ToString());
        Assert.DoesNotContain(Secret, fixedToken.ToString());
    }

    [Theory]
    [InlineData("https://h/x?token=abc&f=json", "https://h/x?token=***&f=json")]
    [InlineData("https://h/x?f=json&TOKEN=abc", "https://h/x?f=json&TOKEN=***")]
    [InlineData("https://h/x?password=p&username=u", "https://h/x?password=***&username=u")]
    [InlineData("https://h/x?access_token=a.b.c", "https://h/x?access_token=***")]
    [InlineData("https://h/x?f=json", "https://h/x?f=json")]
    public void Redact_SecretParameters_AreMasked(string url, string expected)
    {
        Assert.Equal(expected, ArcGisUrl.Redact(url));
    }

    [Fact]
    public async Task ResultDownload_CarriesTokenForOwnHostOnly()
    {
        _server.MapJson("files/r.json", """{"replicaID":"x","layers":[]}""");
        await using var clients = ClientHarness.Create();
        var credential = ArcGisCredential.FromToken(Portal, Secret);

        await using (var download = await clients.Features.OpenReplicaResultAsync(_server.Url("files/r.json"), credential))
        {
            await using var reader = new ReplicaJsonReader(download.Content);
            await foreach (var _ in reader.ReadAsync())
            {
            }
            Assert.Equal("x", reader.Header.ReplicaId);
        }

        var request = _server.RequestsTo("files/r.json").Single();
        Assert.Equal(Secret, request.Parameter("token"));
        Assert.Null(request.Parameter("f"));
        Assert.Equal(1.ToString(CultureInfo.InvariantCulture), _server.RequestsTo("files/r.json").Count.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task TileDownload_HtmlTokenErrorPage_RenewsTokenAndRetries()
    {
        const string tilePath = "arcgis/rest/services/Base/MapServer/tile/3/2/5";
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
        _server.Map(tilePath, ctx => ctx.Request.Query["token"] == Secret + "-1"
            // ArcGIS renders errors as an HTML page when the request has no f=json, as tile requests have not.
            ? ArcGisTestServer.WriteAsync(ctx, 200, "text/html", "<html><head><title>Error</title></head><body>{\"error\":{\"code\":498,\"message\":\"Invalid token.\"}}</body></html>")
            : WritePngAsync(ctx, png));
        await using var clients = ClientHarness.Create();
        var credential = ArcGisCredential.FromUsernamePassword(Portal, "crew", Password);

        await using var tile = await clients.Tiles.OpenTileAsync(_server.Url("arcgis/rest/services/Base/MapServer"), 3, 2, 5, credential);

        Assert.Equal(png, await tile!.ReadAllBytesAsync());
        Assert.Equal([Secret + "-1", Secret + "-2"], _server.RequestsTo(tilePath).Select(r => r.Parameter("token")));

        static Task WritePngAsync(Microsoft.AspNetCore.Http.HttpContext ctx, byte[] bytes)
        {
            ctx.Response.ContentType = "image/png";
            ctx.Response.ContentLength = bytes.Length;
            return ctx.Response.Body.WriteAsync(bytes).AsTask();
        }
    }
}
