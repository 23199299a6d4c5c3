using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.Integration.Portal;

/// <summary>
/// The real portal (Program) over a temporary data folder and SQLite file, with the scripted job executor. Users in every
/// role are created with known passwords; <see cref="DataDirectory"/> can be shared with a second factory to restart.
/// </summary>
public sealed partial class PortalAppFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@test.local";
    public const string AdminPassword = "Admin-Pass-1234";
    public const string Password = "User-Pass-1234";

    private readonly bool _ownsDirectory;
    private readonly bool _configureAdminPassword;

    public PortalAppFactory()
        : this(null)
    {
    }

    internal PortalAppFactory(string? dataDirectory, bool configureAdminPassword = true, int maxConcurrentJobs = 2)
    {
        _ownsDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? TestPaths.NewTempDirectory("portal");
        _configureAdminPassword = configureAdminPassword;
        MaxConcurrentJobs = maxConcurrentJobs;
    }

    public string DataDirectory { get; }

    public int MaxConcurrentJobs { get; }

    public ScriptedJobExecutor Executor { get; } = new();

    /// <summary>Every log message the portal wrote.</summary>
    public ConcurrentQueue<string> LogMessages { get; } = new();

    /// <summary>
    /// Set before the server starts, with <c>UseKestrel(0)</c>: the sample portal is then reached at the server's real
    /// address (the engine's HTTP clients cannot reach an in-memory test server).
    /// </summary>
    public bool UseRealKestrel { get; set; }

    /// <summary>False keeps the application's own job executor (the offline engine) instead of the scripted one.</summary>
    public bool UseScriptedExecutor { get; set; } = true;

    /// <summary>Further configuration (e.g. <c>SamplePortal:Security:Enabled</c>), applied last.</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Portal:DataDirectory", Path.Combine(DataDirectory, "portal"));
        builder.UseSetting("SamplePortal:DataDirectory", Path.Combine(DataDirectory, "sample"));
        if (!UseRealKestrel)
        {
            builder.UseSetting("Portal:SamplePortalUrl", "http://localhost/sample");
        }
        builder.UseSetting("Portal:Admin:Email", AdminEmail);
        if (_configureAdminPassword)
        {
            builder.UseSetting("Portal:Admin:Password", AdminPassword);
        }
        builder.UseSetting("Jobs:MaxConcurrentJobs", MaxConcurrentJobs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(LogMessages)));
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        if (UseScriptedExecutor)
        {
            builder.ConfigureTestServices(services => services.AddSingleton<IJobExecutor>(Executor));
        }
    }

    public PortalPaths Paths => Services.GetRequiredService<PortalPaths>();

    public IDbContextFactory<PortalDbContext> Db => Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

    /// <summary>Waits until the job runner has recovered and re-queued jobs from a previous start.</summary>
    public Task RunnerReadyAsync() => Services.GetRequiredService<JobRunner>().Recovered.WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Creates (once) a user with the role and a known password that need not be changed.</summary>
    public async Task<TestUser> UserAsync(string role)
    {
        var email = role.ToLowerInvariant() + "@test.local";
        if (role == PortalRoles.Admin)
        {
            email = AdminEmail;
        }
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = role + " Tester", CreatedUtc = DateTime.UtcNow };
            Check(await users.CreateAsync(user, Password));
            Check(await users.AddToRoleAsync(user, role));
        }
        return new TestUser(user.Id, email, role == PortalRoles.Admin ? AdminPassword : Password, user.DisplayName);
    }

    public async Task<string> ApiKeyAsync(string role)
    {
        var user = await UserAsync(role);
        var created = await Services.GetRequiredService<ApiKeyService>().CreateAsync(user.Id, "tests", CancellationToken.None);
        return created.Key;
    }

    public async Task<HttpClient> ApiClientAsync(string role)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await ApiKeyAsync(role));
        return client;
    }

    public HttpClient AnonymousClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A cookie client signed in through the real sign-in form.</summary>
    public async Task<HttpClient> SignedInClientAsync(string role)
    {
        var user = await UserAsync(role);
        var client = AnonymousClient();
        var response = await SignInAsync(client, user.Email, user.Password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"sign-in answered {(int)response.StatusCode}");
        return client;
    }

    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password)
    {
        var form = await client.GetStringAsync("/Account/Login");
        var token = AntiforgeryField().Match(form).Groups["value"].Value;
        Assert.False(string.IsNullOrEmpty(token), "the sign-in form has no antiforgery token");
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
        return await client.PostAsync("/Account/Login", content);
    }

    public static string FormToken(string html) => AntiforgeryField().Match(html).Groups["value"].Value;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsDirectory)
        {
            TestPaths.DeleteQuietly(DataDirectory);
        }
    }

    private static void Check(IdentityResult result) => Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

public sealed record TestUser(string Id, string Email, string Password, string DisplayName);

/// <summary>Keeps the portal's log messages so tests can read what it printed (the one-time password line).</summary>
public sealed class CapturingLoggerProvider(ConcurrentQueue<string> messages) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(messages);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            messages.Enqueue(formatter(state, exception));
    }
}
