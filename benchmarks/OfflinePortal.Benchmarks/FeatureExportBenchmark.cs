using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Offline;
using static OfflinePortal.Benchmarks.BenchSupport;

namespace OfflinePortal.Benchmarks;

/// <summary>
/// The feature export benchmark: our job for the hydrants layer against GDAL's ogr2ogr paging the same layer's
/// query endpoint into a GeoPackage, both against one sample portal (its own process) in the same run. Our job runs in
/// a process of its own too, so its peak working set is the engine's alone.
/// </summary>
internal static class FeatureExportBenchmark
{
    private const double TimeTarget = 0.5;
    private const long MemoryTargetBytes = 300L * 1024 * 1024;

    /// <summary><c>feature-export [hydrants=1000000] [folder]</c>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var hydrants = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var folder = args.Length > 1 ? args[1] : SamplePortalHost.DefaultDataDirectory(hydrants);
        PrintMachine("feature export: our job vs ogr2ogr");
        await using var portal = await SamplePortalHost.StartAsync(hydrants, folder);
        Console.WriteLine(Invariant($"sample portal: {portal.BaseUrl} (pid {portal.ProcessId}, {hydrants:N0} hydrants); load average now {LoadAverage()}"));
        return await RunAgainstAsync(portal) ? 0 : 1;
    }

    public static async Task<bool> RunAgainstAsync(SamplePortalHost portal)
    {
        var (extent, maxRecordCount) = await OfflineEngineSetup.HydrantsLayerAsync(portal.ServicesUrl);
        var work = NewWorkDirectory("feature-export");
        try
        {
            // GDAL: pages only when the URL has resultRecordCount (toolchain.md §7); maxRecordCount per page.
            var ogrPath = Path.Combine(work, "ogr2ogr.gpkg");
            var url = Invariant($"{OfflineEngineSetup.HydrantsLayerUrl(portal.ServicesUrl)}/query?where=1%3D1&outFields=*&resultRecordCount={maxRecordCount}&f=json");
            // Under /usr/bin/time: its max RSS and CPU seconds are exact (sampling /proc would see time's own process).
            var timings = Path.Combine(work, "ogr2ogr.time");
            var serverCpu0 = CpuSeconds(portal.ProcessId);
            var ogr = await RunProcessAsync("/usr/bin/time", ["-f", "%M %U %S", "-o", timings, "ogr2ogr", "-f", "GPKG", ogrPath, url, "-nln", "hydrants"]);
            var ogrServerCpu = CpuSeconds(portal.ProcessId) - serverCpu0;
            var ogrLoadAfter = LoadAverage().Split(' ')[0];
            if (ogr.ExitCode != 0)
            {
                Console.WriteLine("ogr2ogr failed: " + ogr.StandardError);
                return false;
            }
            var measured = File.ReadAllText(timings).Trim().Split('\n')[^1].Split(' ');
            var ogrPeakRss = long.Parse(measured[0], CultureInfo.InvariantCulture) * 1024;
            var ogrCpu = ParseDouble(measured[1]) + ParseDouble(measured[2]);
            var ogrWarnings = ogr.StandardError.Split('\n').Count(l => l.StartsWith("Warning", StringComparison.Ordinal));

            serverCpu0 = CpuSeconds(portal.ProcessId);
            var ours = await RunOursAsync(portal, Path.Combine(work, "package"), attachments: false);
            var ourServerCpu = CpuSeconds(portal.ProcessId) - serverCpu0;
            if (ours is null)
            {
                return false;
            }

            var ogrCount = CountRows(ogrPath, "hydrants");
            var (ogrValid, ogrValidation) = await ValidateGpkgAsync(ogrPath);
            var (ourValid, ourValidation) = await ValidateGpkgAsync(ours.GeoPackage);
            var ratio = ours.Elapsed.TotalSeconds / ogr.Elapsed.TotalSeconds;
            var timePass = ratio <= TimeTarget;
            var memoryPass = ours.PeakWorkingSet < MemoryTargetBytes;
            var countsEqual = ours.FeatureCount == ogrCount;
            var ourBytes = new FileInfo(ours.GeoPackage).Length;
            var ogrBytes = new FileInfo(ogrPath).Length;
            Console.WriteLine(Invariant($"feature export of {ours.FeatureCount:N0} hydrants ({maxRecordCount:N0} features per ogr2ogr page):"));
            PrintTable(["", "ours", "ogr2ogr", "ours/ogr2ogr", "target", "verdict"],
            [
                ["wall time", Invariant($"{ours.Elapsed.TotalSeconds:0.0} s"), Invariant($"{ogr.Elapsed.TotalSeconds:0.0} s"), Invariant($"{ratio:0.00}×"),
                    Invariant($"≤ {TimeTarget:0.0}×"), Verdict(timePass)],
                ["peak memory", Mib(ours.PeakWorkingSet) + " WS", Mib(ogrPeakRss) + " RSS", Invariant($"{(double)ours.PeakWorkingSet / ogrPeakRss:0.00}×"),
                    "< 300 MiB", Verdict(memoryPass)],
                ["CPU, client", Invariant($"{ours.CpuSeconds:0.0} s"), Invariant($"{ogrCpu:0.0} s"), Invariant($"{ours.CpuSeconds / ogrCpu:0.00}×"), "", ""],
                ["CPU, sample portal (serving)", Invariant($"{ourServerCpu:0.0} s"), Invariant($"{ogrServerCpu:0.0} s"), Invariant($"{ourServerCpu / ogrServerCpu:0.00}×"), "", ""],
                ["load average (1 min) after", ours.LoadAfter, ogrLoadAfter, "", "", ""],
                ["managed heap (max sampled)", Mib(ours.MaxManagedHeap), "", "", "", ""],
                ["features", Invariant($"{ours.FeatureCount:N0}"), Invariant($"{ogrCount:N0}"), countsEqual ? "equal" : "DIFFERENT", "equal", Verdict(countsEqual)],
                ["file", Mib(ourBytes), Mib(ogrBytes), Invariant($"{(double)ourBytes / ogrBytes:0.00}×"), "", ""],
                ["validate_gpkg --warning-as-error", ourValid ? "valid" : "INVALID", ogrValid ? "valid" : "INVALID", "", "ours valid", Verdict(ourValid)],
                ["warnings printed", "", Invariant($"{ogrWarnings}"), "", "", ""],
            ]);
            if (!ourValid)
            {
                Console.WriteLine("  ours: " + ourValidation);
            }
            if (!ogrValid)
            {
                Console.WriteLine("  ogr2ogr: " + FirstLine(ogrValidation));
            }
            Console.WriteLine("  our job's stages (from its log):");
            foreach (var stage in ours.Stages)
            {
                Console.WriteLine("    " + stage);
            }
            return timePass && memoryPass && countsEqual && ourValid;
        }
        finally
        {
            DeleteDirectory(work);
        }
    }

    private static string FirstLine(string text) => text.Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";

    public sealed record OurRun(TimeSpan Elapsed, long PeakWorkingSet, long MaxManagedHeap, long FeatureCount, string GeoPackage, string PackageDirectory,
        IReadOnlyList<string> Stages)
    {
        public double CpuSeconds { get; init; }

        public string LoadAfter { get; init; } = "";
    }

    /// <summary>Runs <c>feature-export-job</c> in a child process and reads what it printed.</summary>
    public static async Task<OurRun?> RunOursAsync(SamplePortalHost portal, string packageDirectory, bool attachments, EsriEnvelope? area = null)
    {
        List<string> arguments = [.. SamplePortalHost.SelfArguments(), "feature-export-job", portal.PortalUrl.ToString(), portal.ServicesUrl, packageDirectory, attachments ? "attachments" : "no-attachments"];
        if (area is not null)
        {
            arguments.Add(Invariant($"{area.XMin},{area.YMin},{area.XMax},{area.YMax}"));
        }
        var run = await RunProcessAsync(Environment.ProcessPath!, arguments);
        var results = ResultLines(run.StandardOutput);
        if (run.ExitCode != 0 || !results.ContainsKey("seconds"))
        {
            Console.WriteLine($"our job failed (exit code {run.ExitCode}):\n{run.StandardOutput}\n{run.StandardError}");
            return null;
        }
        var stages = run.StandardOutput.Split('\n').Where(l => l.StartsWith("stage ", StringComparison.Ordinal)).Select(l => l["stage ".Length..].TrimEnd()).ToList();
        return new OurRun(TimeSpan.FromSeconds(ParseDouble(results["seconds"])), long.Parse(results["peakWorkingSet"], CultureInfo.InvariantCulture),
            long.Parse(results["maxManagedHeap"], CultureInfo.InvariantCulture), long.Parse(results["features"], CultureInfo.InvariantCulture),
            results["gpkg"], packageDirectory, stages)
        {
            CpuSeconds = ParseDouble(results["cpuSeconds"]),
            LoadAfter = LoadAverage().Split(' ')[0],
        };
    }

    /// <summary>
    /// <c>feature-export-job &lt;portalUrl&gt; &lt;servicesUrl&gt; &lt;packageDir&gt; [attachments|no-attachments] [xmin,ymin,xmax,ymax]</c>:
    /// our side alone, in its own process. Prints the job's log with times (the stages), then <c>result.*</c> lines.
    /// </summary>
    public static async Task<int> JobAsync(string[] args)
    {
        var portalUrl = new Uri(args[0]);
        var servicesUrl = args[1];
        var packageDirectory = args[2];
        var attachments = args.Length > 3 && args[3] == "attachments";
        EsriEnvelope area;
        if (args.Length > 4)
        {
            var c = args[4].Split(',').Select(ParseDouble).ToArray();
            area = new EsriEnvelope(c[0], c[1], c[2], c[3]) { SpatialReference = SpatialReference.WebMercator };
        }
        else
        {
            area = OfflineEngineSetup.Around((await OfflineEngineSetup.HydrantsLayerAsync(servicesUrl)).Extent);
        }

        var process = Process.GetCurrentProcess();
        long maxHeap = 0;
        using var sampler = new Timer(_ => InterlockedMax(ref maxHeap, GC.GetTotalMemory(false)), null, 0, 100);
        var watch = Stopwatch.StartNew();
        await using var services = OfflineEngineSetup.CreateEngine();
        var task = await services.GetRequiredService<OfflineMapTaskFactory>().CreateAsync(portalUrl, OfflineEngineSetup.WebMapId);
        var (parameters, overrides) = await OfflineEngineSetup.FeatureLayerOnlyAsync(task, area, 0, attachments);
        var started = watch.Elapsed;
        var messages = new SyncProgress<JobMessage>(m =>
            Console.WriteLine(Invariant($"stage {(watch.Elapsed - started).TotalSeconds,6:0.0} s  {m.Severity,-7} {m.Text}")));
        var result = await task.GenerateOfflineMap(parameters, packageDirectory, overrides).RunAsync(null, messages);
        watch.Stop();
        InterlockedMax(ref maxHeap, GC.GetTotalMemory(false));
        process.Refresh();
        var layer = result.Manifest!.Layers.Single(l => l.Id == OfflineEngineSetup.HydrantsLayerId);
        if (layer.File is null || result.HasErrors)
        {
            Console.Error.WriteLine("The hydrants layer did not go offline: " + (layer.Error ?? layer.Reason));
            return 1;
        }
        Console.WriteLine(Invariant($"result.seconds={watch.Elapsed.TotalSeconds:0.000}"));
        Console.WriteLine(Invariant($"result.peakWorkingSet={process.PeakWorkingSet64}"));
        Console.WriteLine(Invariant($"result.cpuSeconds={process.TotalProcessorTime.TotalSeconds:0.000}"));
        Console.WriteLine(Invariant($"result.maxManagedHeap={Interlocked.Read(ref maxHeap)}"));
        Console.WriteLine(Invariant($"result.features={layer.FeatureCount ?? 0}"));
        Console.WriteLine(Invariant($"result.attachments={layer.AttachmentCount ?? 0}"));
        Console.WriteLine(Invariant($"result.gpkg={Path.Combine(packageDirectory, layer.File)}"));
        return 0;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}
