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

/// <summary>The hub pushes a job's snapshots to a .NET SignalR client authenticated by API key, to completion.</summary>
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
