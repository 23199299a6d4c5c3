using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Web.Endpoints;
using OfflinePortal.Web.Hubs;
using static OfflinePortal.Tests.Integration.Portal.ScriptedRun;

namespace OfflinePortal.Tests.Integration.Portal;

/// <summary>The hub pushes a job's snapshots to a .NET SignalR client authenticated by API key, to completion, and only that job's.</summary>
public sealed class PortalHubTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Theory]
    [InlineData(HttpTransportType.WebSockets)]
    [InlineData(HttpTransportType.LongPolling)]
    public async Task WatchJob_ReceivesSnapshotsToCompletion(HttpTransportType transport)
    {
        using var api = await factory.ApiClientAsync(PortalRoles.Supervisor);
        var key = await factory.ApiKeyAsync(PortalRoles.Auditor);
        var area = await PortalTestData.CreateAreaAsync(api, "Hub area " + transport);
        var job = (await (await api.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(area.Id))).Content.ReadFromJsonAsync<JobsEndpoints.JobResponse>())!;
        var run = await factory.Executor.StartedAsync(job.Id);

        var server = factory.Server;
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, JobsHub.Path), o =>
            {
                o.Transports = transport;
                o.AccessTokenProvider = () => Task.FromResult<string?>(key);
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                o.WebSocketFactory = async (context, ct) =>
                {
                    var client = server.CreateWebSocketClient();
                    client.ConfigureRequest = request => request.Headers.Authorization = "Bearer " + key;
                    return await client.ConnectAsync(context.Uri, ct);
                };
            })
            .Build();
        var received = Channel.CreateUnbounded<JobSnapshot>();
        connection.On<JobSnapshot>(JobsHub.SnapshotMethod, s => received.Writer.TryWrite(s));
        await connection.StartAsync();
        Assert.True(await connection.InvokeAsync<bool>(nameof(JobsHub.WatchJob), job.Id));

        var first = await NextAsync(received);
        Assert.Equal(JobState.Running, first.State);

        await run.ProgressAsync(0.25, "Valves", Layer("0", JobLayerPhase.Running, done: 5));
        await UntilAsync(received, s => s.Fraction == 0.25 && s.CurrentStep == "Valves" && s.Layers.Length == 1);
        await run.ProgressAsync(0.75, "Mains", Layer("0", JobLayerPhase.Offline, done: 10, bytes: 100));
        await UntilAsync(received, s => s.Fraction == 0.75 && s.Layers[0].Phase == JobLayerPhase.Offline);
        await run.SucceedAsync(Result("0", LayerResultStatus.Offline, 10, 100));
        var last = await UntilAsync(received, s => s.IsFinished);
        Assert.Equal(JobState.Succeeded, last.State);
        Assert.Equal(job.Id, last.JobId);
        Assert.True(last.PackageBytes > 0);
        Assert.Contains(last.LogTail, l => l.Message.StartsWith("Job succeeded", StringComparison.Ordinal));

        // A finished job can still be watched: its final state comes from the database.
        Assert.True(await connection.InvokeAsync<bool>(nameof(JobsHub.WatchJob), job.Id));
        Assert.True((await NextAsync(received)).IsFinished);
        Assert.False(await connection.InvokeAsync<bool>(nameof(JobsHub.WatchJob), Guid.NewGuid()));
    }

    [Fact]
    public async Task WatchJob_ReceivesOnlyThatJob_WhileWatchAllReceivesBoth()
    {
        using var api = await factory.ApiClientAsync(PortalRoles.Supervisor);
        var key = await factory.ApiKeyAsync(PortalRoles.Auditor);
        var area = await PortalTestData.CreateAreaAsync(api, "Hub grouping area");
        var a = (await (await api.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(area.Id))).Content.ReadFromJsonAsync<JobsEndpoints.JobResponse>())!.Id;
        var b = (await (await api.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(area.Id))).Content.ReadFromJsonAsync<JobsEndpoints.JobResponse>())!.Id;
        var runA = await factory.Executor.StartedAsync(a);
        var runB = await factory.Executor.StartedAsync(b);

        await using var watchA = Connect(key, HttpTransportType.WebSockets);
        var receivedA = Channel.CreateUnbounded<JobSnapshot>();
        watchA.On<JobSnapshot>(JobsHub.SnapshotMethod, s => receivedA.Writer.TryWrite(s));
        await watchA.StartAsync();
        Assert.True(await watchA.InvokeAsync<bool>(nameof(JobsHub.WatchJob), a));

        await using var watchAll = Connect(key, HttpTransportType.WebSockets);
        var receivedAll = Channel.CreateUnbounded<JobSnapshot>();
        watchAll.On<JobSnapshot>(JobsHub.SnapshotMethod, s => receivedAll.Writer.TryWrite(s));
        await watchAll.StartAsync();
        await watchAll.InvokeAsync(nameof(JobsHub.WatchAll));

        // B moves first and finishes; then A moves and finishes. The watcher of A must see A's end and nothing of B.
        await runB.ProgressAsync(0.3, "B step", Layer("0", JobLayerPhase.Running, done: 1));
        await runB.ProgressAsync(0.6, "B step 2", Layer("0", JobLayerPhase.Offline, done: 2, bytes: 10));
        await runB.SucceedAsync(Result("0", LayerResultStatus.Offline, 2, 10));
        await runA.ProgressAsync(0.5, "A step", Layer("0", JobLayerPhase.Offline, done: 3, bytes: 10));
        await runA.SucceedAsync(Result("0", LayerResultStatus.Offline, 3, 10));

        var seenByA = new List<JobSnapshot>();
        while (true)
        {
            var snapshot = await NextAsync(receivedA);
            seenByA.Add(snapshot);
            if (snapshot.JobId == a && snapshot.IsFinished)
            {
                break;
            }
        }
        Assert.All(seenByA, s => Assert.Equal(a, s.JobId));
        Assert.Contains(seenByA, s => s.CurrentStep == "A step" || s.IsFinished);

        // The all-jobs watcher sees both jobs to their end.
        var finished = new HashSet<Guid>();
        while (!(finished.Contains(a) && finished.Contains(b)))
        {
            var snapshot = await NextAsync(receivedAll);
            if (snapshot.IsFinished && (snapshot.JobId == a || snapshot.JobId == b))
            {
                finished.Add(snapshot.JobId);
            }
        }

        // Anything of B still on its way to A's watcher arrives before this round trip's answer.
        Assert.True(await watchA.InvokeAsync<bool>(nameof(JobsHub.WatchJob), a));
        var last = await NextAsync(receivedA);
        Assert.Equal(a, last.JobId);
        Assert.False(receivedA.Reader.TryRead(out var extra), $"unexpected snapshot of {extra?.JobId}");
    }

    private HubConnection Connect(string key, HttpTransportType transport)
    {
        var server = factory.Server;
        return new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, JobsHub.Path), o =>
            {
                o.Transports = transport;
                o.AccessTokenProvider = () => Task.FromResult<string?>(key);
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                o.WebSocketFactory = async (context, ct) =>
                {
                    var client = server.CreateWebSocketClient();
                    client.ConfigureRequest = request => request.Headers.Authorization = "Bearer " + key;
                    return await client.ConnectAsync(context.Uri, ct);
                };
            })
            .Build();
    }

    private static async Task<JobSnapshot> NextAsync(Channel<JobSnapshot> channel)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await channel.Reader.ReadAsync(cts.Token);
    }

    private static async Task<JobSnapshot> UntilAsync(Channel<JobSnapshot> channel, Func<JobSnapshot, bool> condition)
    {
        long version = 0;
        while (true)
        {
            var snapshot = await NextAsync(channel);
            Assert.True(snapshot.Version > version, "snapshot versions must grow");
            version = snapshot.Version;
            if (condition(snapshot))
            {
                return snapshot;
            }
        }
    }
}
