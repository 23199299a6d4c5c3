using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Features;
using OfflinePortal.Core.ArcGis.Replicas;

namespace OfflinePortal.Benchmarks;

/// <summary>Measures ReplicaJsonReader on a generated replica file: features per second, peak working set, managed heap.</summary>
internal static class ReplicaStreamingBenchmark
{
    public static async Task<int> GenerateAsync(string[] args)
    {
        var path = args[0];
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        var watch = Stopwatch.StartNew();
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        await using (var writer = new Utf8JsonWriter(file))
        {
            writer.WriteStartObject();
            writer.WriteString("replicaName", "benchmark");
            writer.WriteString("replicaID", "{6F1C2E4A-0000-4000-8000-000000000001}");
            writer.WriteString("syncModel", "perLayer");
            writer.WriteStartArray("layers");
            writer.WriteStartObject();
            writer.WriteNumber("id", 0);
            writer.WriteStartArray("features");
            for (var i = 0; i < count; i++)
            {
                writer.WriteStartObject();
                writer.WriteStartObject("attributes");
                writer.WriteNumber("OBJECTID", i + 1);
                writer.WriteString("GlobalID", "{" + i.ToString("X8", CultureInfo.InvariantCulture) + "-0000-4000-8000-000000000000}");
                writer.WriteString("ASSETID", "HYD-" + i.ToString(CultureInfo.InvariantCulture));
                writer.WriteString("STATUS", (i % 4) switch { 0 => "InService", 1 => "OutOfService", 2 => "NeedsRepair", _ => "Retired" });
                writer.WriteNumber("FLOWRATE", 500 + (i % 1500) * 0.5);
                writer.WriteNumber("INSTALLDATE", 946684800000L + i * 60_000L);
                writer.WriteNull("LASTINSPECTION");
                writer.WriteEndObject();
                writer.WriteStartObject("geometry");
                writer.WriteNumber("x", -13661000.0 + (i % 2000) * 1.25);
                writer.WriteNumber("y", 5190000.0 + (i / 2000) * 1.25);
                writer.WriteEndObject();
                writer.WriteEndObject();
                if (i % 10_000 == 0)
                {
                    await writer.FlushAsync();
                }
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteStartArray("layerServerGens");
            writer.WriteStartObject();
            writer.WriteNumber("id", 0);
            writer.WriteString("serverGen", "1742508821383");
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {count} features, {new FileInfo(path).Length / 1048576.0:0.0} MiB, in {watch.Elapsed.TotalSeconds:0.00} s: {path}"));
        return 0;
    }

    public static async Task<int> ReadAsync(string[] args, bool overHttp)
    {
        var path = args[0];
        var size = new FileInfo(path).Length;
        WebApplication? server = null;
        ServiceProvider? services = null;
        Stream stream;
        ArcGisDownload? download = null;
        if (overHttp)
        {
            (server, var url) = await ServeAsync(path);
            services = new ServiceCollection().AddLogging().AddArcGisClients().BuildServiceProvider();
            download = await services.GetRequiredService<FeatureServiceClient>().OpenReplicaResultAsync(url);
            stream = download.Content;
        }
        else
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
        }

        var baseline = Process.GetCurrentProcess().WorkingSet64;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var maxHeap = 0L;
        var features = 0L;
        var watch = Stopwatch.StartNew();
        await using (var reader = new ReplicaJsonReader(stream))
        {
            await foreach (var item in reader.ReadAsync())
            {
                if (item is ReplicaFeature && ++features % 50_000 == 0)
                {
                    maxHeap = Math.Max(maxHeap, GC.GetTotalMemory(false));
                }
            }
            watch.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"mode: {(overHttp ? "HTTP loopback (FeatureServiceClient) + ReplicaJsonReader" : "file + ReplicaJsonReader")}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"features: {features}, file {size / 1048576.0:0.0} MiB, {watch.Elapsed.TotalSeconds:0.00} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"throughput: {features / watch.Elapsed.TotalSeconds:N0} features/s, {size / 1048576.0 / watch.Elapsed.TotalSeconds:0.0} MiB/s"));
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            // CPU time is steadier than wall time on a shared machine.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"cpu: {cpu.TotalSeconds:0.00} s (all threads, incl. GC), {features / cpu.TotalSeconds:N0} features per CPU-second"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"reader buffer peak: {reader.PeakBufferSize / 1024} KiB; generations: {string.Join(",", reader.Header.LayerServerGens.Select(g => g.ServerGen))}"));
        }
        var process = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"working set: start {baseline / 1048576.0:0.0} MiB, peak {process.PeakWorkingSet64 / 1048576.0:0.0} MiB; managed heap max sampled {maxHeap / 1048576.0:0.0} MiB; GC gen0/1/2: {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}"));
        if (download is not null)
        {
            await download.DisposeAsync();
        }
        if (services is not null)
        {
            await services.DisposeAsync();
        }
        if (server is not null)
        {
            await server.StopAsync();
            await server.DisposeAsync();
        }
        return 0;
    }

    public static async Task<int> ReadWholeDocumentAsync(string[] args)
    {
        var watch = Stopwatch.StartNew();
        await using var stream = File.OpenRead(args[0]);
        using var document = await JsonDocument.ParseAsync(stream);
        var features = document.RootElement.GetProperty("layers")[0].GetProperty("features").GetArrayLength();
        watch.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"JsonDocument (whole file in memory, no feature objects built): {features} features in {watch.Elapsed.TotalSeconds:0.00} s; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0.0} MiB"));
        return 0;
    }

    public static async Task<int> ScanTokensAsync(string[] args)
    {
        var watch = Stopwatch.StartNew();
        await using var stream = new FileStream(args[0], FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
        var buffer = new byte[64 * 1024];
        var state = new JsonReaderState();
        int start = 0, end = 0;
        long tokens = 0;
        var eof = false;
        while (!eof)
        {
            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            var read = await stream.ReadAsync(buffer.AsMemory(end));
            eof = read == 0;
            end += read;
            (start, state, tokens) = Scan(buffer.AsSpan(0, end), eof, state, tokens);
        }
        watch.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Utf8JsonReader tokens only: {tokens} tokens in {watch.Elapsed.TotalSeconds:0.00} s; cpu {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:0.00} s"));
        return 0;

        static (int Consumed, JsonReaderState State, long Tokens) Scan(ReadOnlySpan<byte> data, bool final, JsonReaderState state, long tokens)
        {
            var reader = new Utf8JsonReader(data, final, state);
            while (reader.Read())
            {
                tokens++;
            }
            return ((int)reader.BytesConsumed, reader.CurrentState, tokens);
        }
    }

    private static async Task<(WebApplication App, Uri Url)> ServeAsync(string path)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.MapGet("/replicafiles/replica.json", () => Results.File(path, "application/json"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address + "/replicafiles/replica.json"));
    }
}
