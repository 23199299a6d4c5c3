using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OfflinePortal.SamplePortal;
using OfflinePortal.SamplePortal.Tiles;

namespace OfflinePortal.Benchmarks;

/// <summary>
/// The sample portal in a process of its own, so that a benchmark's memory figures are those of the client side alone.
/// <c>sample-portal-serve</c> hosts it and prints its URL; <see cref="StartAsync"/> starts that command as a child
/// process and stops it (by closing its standard input) when disposed.
/// </summary>
internal sealed class SamplePortalHost : IAsyncDisposable
{
    private const string UrlPrefix = "sample portal: ";
    private const string TileCacheVariable = "SamplePortal__Tiles__TileCacheMegabytes";
    private const int TileCacheMegabytes = 512;
    private readonly Process _process;

    private SamplePortalHost(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234/sample</c>.</summary>
    public string BaseUrl { get; }

    public Uri PortalUrl => new(BaseUrl + "/sharing/rest");

    public string ServicesUrl => BaseUrl + "/arcgis/rest/services";

    public int ProcessId => _process.Id;

    /// <summary>The folder that keeps the generated store between runs (it is regenerated only when the size changes).</summary>
    public static string DefaultDataDirectory(int hydrants) =>
        Path.Combine(Path.GetTempPath(), "offlineportal-bench", "sample-portal-" + hydrants.ToString(CultureInfo.InvariantCulture));

    /// <summary><c>sample-portal-serve [hydrants] [folder]</c>: serves until standard input closes (or Ctrl+C).</summary>
    public static async Task<int> ServeAsync(string[] args)
    {
        var hydrants = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var folder = args.Length > 1 ? args[1] : DefaultDataDirectory(hydrants);
        // The tiles benchmark's levels 12–17 over the town are ~125 MiB of rendered tiles: the default 64 MiB cache would
        // evict them while they are fetched, and every pass would measure the renderer instead of the tile path.
        if (Environment.GetEnvironmentVariable(TileCacheVariable) is null)
        {
            Environment.SetEnvironmentVariable(TileCacheVariable, TileCacheMegabytes.ToString(CultureInfo.InvariantCulture));
        }
        var watch = Stopwatch.StartNew();
        await using var server = await SamplePortalServer.StartAsync(o =>
        {
            o.HydrantCount = hydrants;
            o.DataDirectory = folder;
            // Replica files of a 1,000,000-row layer are large: keep them no longer than a benchmark needs them.
            o.ReplicaFileLifetime = TimeSpan.FromMinutes(5);
        });
        var tileCache = server.Services.GetRequiredService<IOptions<SampleTileOptions>>().Value.TileCacheMegabytes;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"store ready in {watch.Elapsed.TotalSeconds:0.0} s ({hydrants:N0} hydrants in {folder}); tile cache {tileCache} MiB"));
        Console.WriteLine(UrlPrefix + server.BaseUrl);
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, s =>
        {
            s.Cancel = true;
            stop.Cancel();
        });
        var stdinClosed = Task.Run(() =>
        {
            while (Console.In.ReadLine() is not null)
            {
            }
        });
        await Task.WhenAny(stdinClosed, Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default));
        return 0;
    }

    /// <summary>Starts <c>sample-portal-serve</c> as a child process and waits for its URL (the first start generates the store).</summary>
    public static async Task<SamplePortalHost> StartAsync(int hydrants, string? folder = null)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        foreach (var a in SelfArguments())
        {
            info.ArgumentList.Add(a);
        }
        info.ArgumentList.Add("sample-portal-serve");
        info.ArgumentList.Add(hydrants.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(folder ?? DefaultDataDirectory(hydrants));
        var process = Process.Start(info) ?? throw new InvalidOperationException("The sample portal process did not start.");
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(UrlPrefix, StringComparison.Ordinal))
            {
                return new SamplePortalHost(process, line[UrlPrefix.Length..].Trim());
            }
        }
        await process.WaitForExitAsync();
        throw new InvalidOperationException($"The sample portal process ended (exit code {process.ExitCode}) before it printed its URL.");
    }

    /// <summary>The arguments that run this program again (the dll when started through <c>dotnet</c>).</summary>
    public static IEnumerable<string> SelfArguments()
    {
        var path = Environment.ProcessPath!;
        if (Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            yield return typeof(SamplePortalHost).Assembly.Location;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
