using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Replicas;

namespace OfflinePortal.Tests.ArcGis;

public sealed class ErrorHandlingTests : IAsyncLifetime
{
    private const string ServicePath = "arcgis/rest/services/Water/FeatureServer";
    private ArcGisTestServer _server = null!;

    private Uri Service => _server.Url(ServicePath);

    public async Task InitializeAsync() => _server = await ArcGisTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("error-400-generic.json", 400, "'type' and 'title' property required.", 0, null)]
    [InlineData("error-400-query-invalid-params.json", 400, "Cannot perform query. Invalid query parameters.", 2, null)]
    [InlineData("error-403-no-permission.json", 403, "You do not have permissions to access this resource or perform this operation.", 0, null)]
    [InlineData("error-498-invalid-token.json", 498, "Invalid token.", 0, null)]
    [InlineData("error-498-refresh-token-expired.json", 498, "refresh_token expired", 0, null)]
    [InlineData("error-499-token-required.json", 499, "Token Required", 1, "GWM_0003")]
    [InlineData("koop-error-credentials-invalid.json", 400, "Unable to generate token.", 1, null)]
    [InlineData("koop-error-unauthorized.json", 499, "Token Required", 0, null)]
    public async Task ErrorEnvelopeWithHttp200_Fixtures_BecomeTypedServiceExceptions(string fixture, int code, string message, int details, string? messageCode)
    {
        _server.MapFixture(ServicePath, fixture);
        await using var clients = ClientHarness.Create();

        var e = await Assert.ThrowsAsync<ArcGisServiceException>(() => clients.Features.GetServiceInfoAsync(Service));

        Assert.Equal(code, e.Code);
        Assert.Equal(message, e.ServiceMessage);
        Assert.Equal(details, e.Details.Count);
        Assert.Equal(messageCode, e.MessageCode);
        Assert.Equal(200, e.HttpStatus);
        Assert.Equal(code == 498, e.IsTokenInvalid);
        Assert.Equal(code == 499, e.IsTokenRequired);
        Assert.Equal(code == 403, e.IsPermissionDenied);
        Assert.Contains(message, e.Message);
        Assert.Contains(_server.Url(ServicePath).Authority, e.RequestUrl);
        Assert.Single(_server.RequestsTo(ServicePath));
    }

    [Fact]
    public async Task ErrorEnvelope_KoopMissingDataset_IsNotFound()
    {
        _server.MapKoop(ServicePath, "missing-dataset-404.json");
        await using var clients = ClientHarness.Create();

        var e = await Assert.ThrowsAsync<ArcGisServiceException>(() => clients.Features.GetServiceInfoAsync(Service));

        Assert.True(e.IsNotFound);
        Assert.Equal("File GeoJSON provider: nope.json not found", e.ServiceMessage);
    }

    [Fact]
    public async Task QueryInvalidParameters_DetailsAppearInMessage()
    {
        _server.MapFixture(ServicePath + "/0/query", "error-400-query-invalid-params.json");
        await using var clients = ClientHarness.Create();

        var e = await Assert.ThrowsAsync<ArcGisServiceException>(() => clients.Features.QueryCountAsync(_server.Url(ServicePath + "/0")));

        Assert.Contains("No where clause specified.", e.Message);
        Assert.Equal(["Unable to perform query. Please check your parameters.", "No where clause specified."], e.Details);
    }

    [Fact]
    public async Task HtmlAnswer_SignInPage_BecomesClearProtocolException()
    {
        _server.Enqueue(ServicePath, Fault.Html("ArcGIS Enterprise Sign In"));
        await using var clients = ClientHarness.Create();

        var e = await Assert.ThrowsAsync<ArcGisProtocolException>(() => clients.Features.GetServiceInfoAsync(Service));

        Assert.Contains("answered HTML, not JSON", e.Message);
        Assert.Contains("sign-in page", e.Message);
        Assert.Contains("\"ArcGIS Enterprise Sign In\"", e.Message);
        Assert.Contains(_server.Url(ServicePath).OriginalString, e.Message);
    }

    [Fact]
    public async Task TruncatedJson_BecomesProtocolExceptionNotJsonException()
    {
        _server.Enqueue(ServicePath, Fault.TruncatedJson(ArcGisTestServer.FixtureText("featureserver-root-sync-enabled-readonly-agol.json")));
        await using var clients = ClientHarness.Create();

        var e = await Assert.ThrowsAsync<ArcGisProtocolException>(() => clients.Features.GetServiceInfoAsync(Service));

        Assert.Contains("truncated JSON", e.Message);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(e.InnerException);
    }

    [Theory]
    [InlineData("Service temporarily unavailable, come back later", "text")]
    [InlineData("", "empty body")]
    public async Task NonJsonAnswer_BecomesProtocolException(string body, string expected)
    {
        _server.Enqueue(ServicePath, Fault.Status(200, body, "text/plain"));
        await using var clients = ClientHarness.Create();

        var e = await Assert.ThrowsAsync<ArcGisProtocolException>(() => clients.Features.GetServiceInfoAsync(Service));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task ServerErrors_TwiceThenSuccess_RetriedAndLogged()
    {
        _server.MapFixture(ServicePath, "featureserver-root-sync-enabled-readonly-agol.json");
        _server.Enqueue(ServicePath, Fault.Status(500), Fault.Status(502));
        await using var clients = ClientHarness.Create();

        var info = await clients.Features.GetServiceInfoAsync(Service);

        Assert.True(info.SupportsSync);
        Assert.Equal(3, _server.RequestsTo(ServicePath).Count);
        var retries = clients.Logs.Lines.Where(l => l.Category == "OfflinePortal.Core.ArcGis.Retries").ToList();
        Assert.Equal(2, retries.Count);
        Assert.All(retries, l => Assert.Equal(LogLevel.Warning, l.Level));
        Assert.Contains("HTTP 500", retries[0].Message);
        Assert.Contains("retry 1 of 3", retries[0].Message);
        Assert.Contains("HTTP 502", retries[1].Message);
    }

    [Fact]
    public async Task ServerErrors_Persisting_AreBoundedAndReported()
    {
        _server.Enqueue(ServicePath, Enumerable.Repeat(Fault.Status(503), 10).ToArray());
        await using var clients = ClientHarness.Create(o => o.MaxRetryAttempts = 2);

        var e = await Assert.ThrowsAsync<ArcGisServiceException>(() => clients.Features.GetServiceInfoAsync(Service));

        Assert.Equal(503, e.Code);
        Assert.Equal(503, e.HttpStatus);
        Assert.Contains("Server Error", e.Message);
        Assert.Equal(3, _server.RequestsTo(ServicePath).Count);
        Assert.Equal(2, clients.Logs.Lines.Count(l => l.Category == "OfflinePortal.Core.ArcGis.Retries"));
    }

    [Fact]
    public async Task DroppedConnectionMidBody_JsonAnswer_IsRetried()
    {
        var body = ArcGisTestServer.FixtureText("featureserver-root-sync-enabled-readonly-agol.json");
        _server.MapFixture(ServicePath, "featureserver-root-sync-enabled-readonly-agol.json");
        _server.Enqueue(ServicePath, Fault.DropMidBody(body));
        await using var clients = ClientHarness.Create();

        var info = await clients.Features.GetServiceInfoAsync(Service);

        Assert.Equal(2, info.Layers.Count);
        Assert.Equal(2, _server.RequestsTo(ServicePath).Count);
        Assert.Contains(clients.Logs.Lines, l => l.Category == "OfflinePortal.Core.ArcGis.Retries" && l.Message.Contains("HttpRequestException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateReplica_ServerError_IsNotRetriedBlindly()
    {
        _server.Enqueue(ServicePath + "/createReplica", Fault.Status(500), Fault.Status(500));
        await using var clients = ClientHarness.Create();

        var e = await Assert.ThrowsAsync<ArcGisServiceException>(() =>
            clients.Features.CreateReplicaAsync(Service, new CreateReplicaParameters { Layers = [0] }));

        Assert.Equal(500, e.Code);
        Assert.Single(_server.RequestsTo(ServicePath + "/createReplica"));
    }

    [Fact]
    public async Task CreateReplica_ServiceUnavailable_IsRetriedBecauseNothingStarted()
    {
        _server.MapJson(ServicePath + "/createReplica", $$"""{"statusUrl":"{{_server.Url("jobs/1")}}"}""");
        _server.MapJson("jobs/1", $$"""{"status":"Completed","resultUrl":"{{_server.Url("files/1.json")}}"}""");
        _server.Enqueue(ServicePath + "/createReplica", Fault.Status(503));
        await using var clients = ClientHarness.Create();

        var result = await clients.Features.CreateReplicaAsync(Service, new CreateReplicaParameters { Layers = [0] });

        Assert.Equal(_server.Url("files/1.json"), result.ResultUrl);
        Assert.Equal(2, _server.RequestsTo(ServicePath + "/createReplica").Count);
    }

    [Fact]
    public async Task SlowAnswer_BeyondAttemptTimeout_TimesOutAfterRetries()
    {
        _server.MapFixture(ServicePath, "featureserver-root-sync-enabled-readonly-agol.json");
        _server.Enqueue(ServicePath, Fault.Slow(TimeSpan.FromSeconds(5)), Fault.Slow(TimeSpan.FromSeconds(5)));
        await using var clients = ClientHarness.Create(o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(300);
            o.MaxRetryAttempts = 1;
        });

        var e = await Assert.ThrowsAsync<ArcGisConnectionException>(() => clients.Features.GetServiceInfoAsync(Service));

        Assert.Contains("timed out", e.Message);
        Assert.Equal(2, _server.RequestsTo(ServicePath).Count);
    }

    [Fact]
    public async Task SlowAnswer_OnceThenFast_SucceedsOnRetry()
    {
        _server.MapFixture(ServicePath, "featureserver-root-sync-enabled-readonly-agol.json");
        _server.Enqueue(ServicePath, Fault.Slow(TimeSpan.FromSeconds(5)));
        await using var clients = ClientHarness.Create(o => o.RequestTimeout = TimeSpan.FromMilliseconds(500));

        var info = await clients.Features.GetServiceInfoAsync(Service);

        Assert.True(info.SyncEnabled);
        Assert.Contains(clients.Logs.Lines, l => l.Category == "OfflinePortal.Core.ArcGis.Retries" && l.Message.Contains("TimeoutRejectedException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnectionRefused_RetriedThenConnectionException()
    {
        var closedPort = FreePort();
        await using var clients = ClientHarness.Create(o => o.MaxRetryAttempts = 2);
        var url = new Uri($"http://127.0.0.1:{closedPort}/arcgis/rest/services/X/FeatureServer");

        var e = await Assert.ThrowsAsync<ArcGisConnectionException>(() => clients.Features.GetServiceInfoAsync(url));

        Assert.Contains($"127.0.0.1:{closedPort}", e.Message);
        Assert.Equal(2, clients.Logs.Lines.Count(l => l.Category == "OfflinePortal.Core.ArcGis.Retries"));
    }

    [Fact]
    public async Task AnswerLargerThanCap_FailsClearlyWithoutRetry()
    {
        _server.MapJson(ServicePath, "{\"layers\":[],\"pad\":\"" + new string('x', 100_000) + "\"}");
        await using var clients = ClientHarness.Create(o => o.MaxJsonResponseBytes = 65536);

        var e = await Assert.ThrowsAsync<ArcGisProtocolException>(() => clients.Features.GetServiceInfoAsync(Service));

        Assert.Contains("larger than 65536 bytes", e.Message);
        Assert.Contains("MaxJsonResponseBytes", e.Message);
        Assert.Single(_server.RequestsTo(ServicePath));
    }

    [Fact]
    public async Task Polling_Cancelled_StopsPromptly()
    {
        _server.MapJson("jobs/slow", """{"status":"InProgress"}""");
        await using var clients = ClientHarness.Create(o => o.JobPollInterval = TimeSpan.FromHours(1));
        using var cts = new CancellationTokenSource();
        var polled = new TaskCompletionSource();
        var wait = clients.Features.WaitForReplicaJobAsync(_server.Url("jobs/slow"), progress: new Progress(() => polled.TrySetResult()), cancellationToken: cts.Token);

        await polled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Single(_server.RequestsTo("jobs/slow"));
    }

    [Fact]
    public async Task Polling_JobNeverFinishes_GivesUpAfterJobTimeoutMeasuredByTimeProvider()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        _server.MapJson("jobs/stuck", """{"status":"ExportingData"}""");
        await using var clients = ClientHarness.Create(o =>
        {
            o.JobPollInterval = TimeSpan.FromMinutes(1);
            o.JobTimeout = TimeSpan.FromMinutes(10);
            o.RequestTimeout = TimeSpan.FromDays(30);
        }, time);
        using var stop = new CancellationTokenSource();
        var clock = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                time.Advance(TimeSpan.FromMinutes(1));
                await Task.Delay(5);
            }
        });

        var e = await Assert.ThrowsAsync<ArcGisJobFailedException>(() =>
            clients.Features.WaitForReplicaJobAsync(_server.Url("jobs/stuck")).WaitAsync(TimeSpan.FromSeconds(60)));
        await stop.CancelAsync();
        await clock;

        Assert.Equal("ExportingData", e.Status);
        Assert.Contains("did not finish within", e.Message);
        Assert.InRange(_server.RequestsTo("jobs/stuck").Count, 2, 12);
    }

    [Fact]
    public async Task Download_Cancelled_StopsReading()
    {
        _server.Map("files/endless.json", async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.Body.WriteAsync(new byte[1024]);
            await ctx.Response.Body.FlushAsync();
            try
            {
                await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
        });
        await using var clients = ClientHarness.Create();
        await using var download = await clients.Features.OpenReplicaResultAsync(_server.Url("files/endless.json"));
        var buffer = new byte[4096];
        var read = 0;
        while (read < 1024)
        {
            read += await download.Content.ReadAsync(buffer);
        }
        using var cts = new CancellationTokenSource();
        var pending = download.Content.ReadAsync(buffer, cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Download_Stalls_FailsWithIdleTimeout()
    {
        _server.Map("files/stall.json", async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.Body.WriteAsync("{\"replicaID\":"u8.ToArray());
            await ctx.Response.Body.FlushAsync();
            try
            {
                await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
        });
        await using var clients = ClientHarness.Create(o => o.DownloadIdleTimeout = TimeSpan.FromMilliseconds(300));
        await using var download = await clients.Features.OpenReplicaResultAsync(_server.Url("files/stall.json"));
        await using var reader = new ReplicaJsonReader(download.Content);

        var e = await Assert.ThrowsAsync<ArcGisConnectionException>(async () =>
        {
            await foreach (var _ in reader.ReadAsync())
            {
            }
        });

        Assert.Contains("stalled", e.Message);
    }

    [Fact]
    public void Options_Invalid_FailValidationNamingEveryKey()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddArcGisClients(configure: o =>
        {
            o.MaxRetryAttempts = 50;
            o.RequestTimeout = TimeSpan.Zero;
            o.UserAgent = " ";
        });
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ArcGisClientOptions>>().Value);

        Assert.Contains(e.Failures, f => f.Contains("ArcGis:MaxRetryAttempts", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("ArcGis:RequestTimeout", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("ArcGis:UserAgent", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_BoundFromConfiguration()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ArcGis:MaxRetryAttempts"] = "5", ["ArcGis:JobPollInterval"] = "00:00:07" })
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddArcGisClients(configuration);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<ArcGisClientOptions>>().Value;

        Assert.Equal(5, options.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(7), options.JobPollInterval);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Progress(Action onReport) : IProgress<ReplicaJobStatus>
    {
        public void Report(ReplicaJobStatus value) => onReport();
    }
}
