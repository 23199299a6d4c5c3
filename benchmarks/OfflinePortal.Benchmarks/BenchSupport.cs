using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace OfflinePortal.Benchmarks;

/// <summary>What the machine was doing when a benchmark started, and small helpers the offline benchmarks share.</summary>
internal static class BenchSupport
{
    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Core count, load average and the tools' versions: the context every printed ratio needs.</summary>
    public static void PrintMachine(string title)
    {
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        Console.WriteLine(Invariant($"== {title} =="));
        Console.WriteLine(Invariant($"machine: {Environment.ProcessorCount} cores, load average {load} (1/5/15 min) at {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC, .NET {Environment.Version}"));
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>User + system CPU seconds a running process has used so far (/proc/&lt;pid&gt;/stat, in clock ticks of 1/100 s).</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        // The command name (field 2) may hold spaces: count fields from the closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    public static string Verdict(bool pass) => pass ? "PASS" : "FAIL";

    public static string Mib(long bytes) => Invariant($"{bytes / 1048576.0:0.0} MiB");

    /// <summary>A plain text table: the first column left-aligned, the others right-aligned, two spaces apart.</summary>
    public static void PrintTable(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        List<IReadOnlyList<string>> all = [header, .. rows];
        var widths = Enumerable.Range(0, header.Count).Select(c => all.Max(r => c < r.Count ? r[c].Length : 0)).ToArray();
        foreach (var (row, index) in all.Select((r, i) => (r, i)))
        {
            var cells = row.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]));
            Console.WriteLine("  " + string.Join("  ", cells).TrimEnd());
            if (index == 0)
            {
                Console.WriteLine("  " + string.Join("  ", widths.Select(w => new string('-', w))));
            }
        }
    }

    /// <summary>Rows of a GeoPackage table (read with SQLite directly, not through either writer).</summary>
    public static long CountRows(string gpkg, string table)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = gpkg, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM \"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>GDAL's GeoPackage validator (Debian's python, which has the osgeo bindings); returns its verdict line.</summary>
    public static async Task<(bool Valid, string Output)> ValidateGpkgAsync(string gpkg, bool warningsAsErrors = true)
    {
        var arguments = new List<string> { "-m", "osgeo_utils.samples.validate_gpkg" };
        if (warningsAsErrors)
        {
            arguments.Add("--warning-as-error");
        }
        arguments.Add(gpkg);
        var run = await RunProcessAsync("/usr/bin/python3", arguments);
        return (run.ExitCode == 0, (run.StandardOutput + run.StandardError).Trim());
    }

    public sealed record ProcessRun(int ExitCode, TimeSpan Elapsed, long PeakRssBytes, string StandardOutput, string StandardError);

    /// <summary>
    /// Runs a process to its end, timing it and sampling its peak resident set (VmHWM in /proc, read until it exits;
    /// the kernel keeps the high-water mark, so sampling every 100 ms loses nothing but the last 100 ms).
    /// </summary>
    public static async Task<ProcessRun> RunProcessAsync(string file, IEnumerable<string> arguments, Action<string>? onOutputLine = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        var output = new System.Text.StringBuilder();
        var error = new System.Text.StringBuilder();
        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            lock (output)
            {
                output.AppendLine(e.Data);
            }
            onOutputLine?.Invoke(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (error)
                {
                    error.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        long peak = 0;
        var exited = process.WaitForExitAsync();
        while (!exited.IsCompleted)
        {
            peak = Math.Max(peak, ReadHighWaterMark(process.Id));
            await Task.WhenAny(exited, Task.Delay(100));
        }
        await exited;
        watch.Stop();
        return new ProcessRun(process.ExitCode, watch.Elapsed, peak, output.ToString(), error.ToString());
    }

    private static long ReadHighWaterMark(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return 0;
    }

    /// <summary>Reads <c>key=value</c> lines a child benchmark process printed for its parent.</summary>
    public static Dictionary<string, string> ResultLines(string output) =>
        output.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("result.", StringComparison.Ordinal) && l.Contains('=', StringComparison.Ordinal))
            .Select(l => l["result.".Length..].Split('=', 2))
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);

    public static double ParseDouble(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    public static string NewWorkDirectory(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "offlineportal-bench", "runs", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    public static void DeleteDirectory(string path)
    {
        SqliteConnection.ClearAllPools();
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>An IProgress that calls back on the reporting thread (Progress&lt;T&gt; would post to the pool, out of order).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
