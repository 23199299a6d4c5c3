using System.Net;
using System.Text.RegularExpressions;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.Integration;

/// <summary>
/// The README's run command and the Dockerfile's publish command, run for real as separate processes: the portal
/// starts on a printed URL and serves the top-level wwwroot, MudBlazor's assets and the npm libraries.
/// </summary>
public sealed partial class FrontDoorTests
{
    private static readonly string[] AssetPaths =
    [
        "/app.css",
        "/_content/MudBlazor/MudBlazor.min.css",
        "/_content/MudBlazor/MudBlazor.min.js",
        "/lib/leaflet/leaflet.js",
        "/lib/esri-leaflet/esri-leaflet.js",
        "/sample/sharing/rest/info?f=json",
    ];

    [Theory]
    [InlineData(true)]   // exactly the README command: the launch profile (Development)
    [InlineData(false)]  // Production from the build output (MudBlazor's _content used to answer 500 there)
    public async Task DotnetRun_FromBuildOutput_ServesStyledPortal(bool useLaunchProfile)
    {
        var data = TestPaths.NewTempDirectory("run");
        try
        {
            List<string> arguments = ["run", "--project", "OfflinePortal.Web", "--no-build"];
            if (!useLaunchProfile)
            {
                arguments.Add("--no-launch-profile");
            }
            arguments.AddRange(["--", "--urls", "http://127.0.0.1:0"]);
            await using var app = ProcessRunner.Start("dotnet", arguments, TestPaths.RepositoryRoot, Environment(data, useLaunchProfile ? null : "Production"));
            await AssertServesPortalAsync(app);
        }
        finally
        {
            TestPaths.DeleteQuietly(data);
        }
    }

    [Fact]
    public async Task Publish_AsInDockerfile_ServesStyledPortal()
    {
        var work = TestPaths.NewTempDirectory("publish");
        try
        {
            var source = Path.Combine(work, "src");
            CopySourceTree(TestPaths.RepositoryRoot, source);
            var output = Path.Combine(work, "out");
            var publish = DockerfilePublishArguments(output);

            var result = await ProcessRunner.RunAsync("dotnet", publish, source, timeout: TimeSpan.FromMinutes(8));
            Assert.True(result.ExitCode == 0, "dotnet " + string.Join(' ', publish) + " failed:\n" + result.Combined);
            Assert.True(File.Exists(Path.Combine(output, "wwwroot", "app.css")), "the published wwwroot lacks app.css");
            Assert.True(File.Exists(Path.Combine(output, "wwwroot", "lib", "leaflet", "leaflet.js")), "the published wwwroot lacks leaflet");

            await using var app = ProcessRunner.Start("dotnet", [Path.Combine(output, "OfflinePortal.Web.dll"), "--urls", "http://127.0.0.1:0"], output, Environment(work, "Production"));
            await AssertServesPortalAsync(app);
        }
        finally
        {
            TestPaths.DeleteQuietly(work);
        }
    }

    /// <summary>The publish command of the Dockerfile, so that the test and the image cannot drift apart.</summary>
    private static List<string> DockerfilePublishArguments(string output)
    {
        var dockerfile = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "Dockerfile"));
        var match = PublishLine().Match(dockerfile);
        Assert.True(match.Success, "The Dockerfile has no 'RUN dotnet publish' line.");
        var arguments = match.Groups["args"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var o = arguments.IndexOf("-o");
        Assert.True(o >= 0 && o + 1 < arguments.Count, "The Dockerfile's publish command names no -o folder.");
        arguments[o + 1] = output;
        arguments.Remove("--no-restore"); // the image restores in an earlier layer; the copy here has not been restored
        return ["publish", .. arguments];
    }

    private static Dictionary<string, string?> Environment(string dataDirectory, string? environment)
    {
        var variables = new Dictionary<string, string?>
        {
            ["Portal__DataDirectory"] = Path.Combine(dataDirectory, "portal"),
            ["SamplePortal__DataDirectory"] = Path.Combine(dataDirectory, "sample-portal"),
            ["DOTNET_NOLOGO"] = "1",
        };
        if (environment is not null)
        {
            variables["ASPNETCORE_ENVIRONMENT"] = environment;
        }
        return variables;
    }

    private static async Task AssertServesPortalAsync(RunningProcess app)
    {
        var line = await app.WaitForLineAsync(l => l.Contains("Now listening on:", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
        var url = ListeningUrl().Match(line).Value;
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };

        var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        var html = await home.Content.ReadAsStringAsync();
        Assert.Contains("_content/MudBlazor/MudBlazor.min", html, StringComparison.Ordinal);
        Assert.Contains("mud-", html, StringComparison.Ordinal); // MudBlazor components rendered, not raw tags

        foreach (var path in AssetPaths)
        {
            using var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}\n{app.Output}");
            Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 0, path + " is empty");
        }
    }

    private static void CopySourceTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            var parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Any(p => p is "bin" or "obj" or ".git" or "TestResults" or "data" or "benchmarks") || parts[0] == "OfflinePortal.Tests")
            {
                continue;
            }
            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [GeneratedRegex(@"RUN dotnet (?:publish) (?<args>[^\r\n]+)")]
    private static partial Regex PublishLine();

    [GeneratedRegex(@"http://[0-9.:a-z\[\]]+")]
    private static partial Regex ListeningUrl();
}
