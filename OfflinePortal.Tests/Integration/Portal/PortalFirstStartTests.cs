using System.Net;
using System.Text.RegularExpressions;
using OfflinePortal.Core.Administration;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.Integration.Portal;

/// <summary>Without a configured admin password, the first start logs a one-time password that must be changed.</summary>
public sealed partial class PortalFirstStartTests : IDisposable
{
    private readonly string _data = TestPaths.NewTempDirectory("first-start");

    public void Dispose() => TestPaths.DeleteQuietly(_data);

    [Fact]
    public async Task FirstStart_OneTimeAdminPassword_MustBeChangedBeforeAnythingElse()
    {
        string password;
        await using (var factory = new PortalAppFactory(_data, configureAdminPassword: false))
        {
            _ = factory.Server;
            var lines = factory.LogMessages.Where(m => m.Contains("one-time password", StringComparison.Ordinal)).ToList();
            var line = Assert.Single(lines);
            Assert.Contains(PortalAppFactory.AdminEmail, line, StringComparison.Ordinal);
            password = OneTimePasswordInLog().Match(line).Groups["password"].Value;
            Assert.Equal(16, password.Length);

            using var client = factory.AnonymousClient();
            var signIn = await PortalAppFactory.SignInAsync(client, PortalAppFactory.AdminEmail, password);
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            Assert.StartsWith("/Account/ChangePassword", PathOf(signIn), StringComparison.Ordinal);

            // Nothing but the change-password page answers until the password is changed.
            using var home = await client.GetAsync("/jobs");
            Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
            Assert.Equal("/Account/ChangePassword", PathOf(home));
            using var api = await client.GetAsync("/api/v1/jobs");
            Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);

            var page = await client.GetStringAsync("/Account/ChangePassword");
            Assert.Contains("one-time password", page, StringComparison.Ordinal);
            using var change = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "change-password",
                ["__RequestVerificationToken"] = PortalAppFactory.FormToken(page),
                ["Input.CurrentPassword"] = password,
                ["Input.NewPassword"] = "My-Own-Passw0rd!",
                ["Input.ConfirmPassword"] = "My-Own-Passw0rd!",
            });
            using var changed = await client.PostAsync("/Account/ChangePassword", change);
            Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
            using var after = await client.GetAsync("/jobs");
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }

        // A second start neither creates another admin nor prints a password again; the old one-time password is dead.
        await using var restarted = new PortalAppFactory(_data, configureAdminPassword: false);
        _ = restarted.Server;
        Assert.DoesNotContain(restarted.LogMessages, m => m.Contains("one-time password", StringComparison.Ordinal));
        using var again = restarted.AnonymousClient();
        var stale = await PortalAppFactory.SignInAsync(again, PortalAppFactory.AdminEmail, password);
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode); // the form again, with an error
        Assert.Contains("not correct", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var fresh = await PortalAppFactory.SignInAsync(again, PortalAppFactory.AdminEmail, "My-Own-Passw0rd!");
        Assert.Equal(HttpStatusCode.Redirect, fresh.StatusCode);
        Assert.Equal("/", PathOf(fresh));
    }

    private static string PathOf(HttpResponseMessage response) => new Uri(new Uri("http://localhost"), response.Headers.Location!).PathAndQuery;

    [GeneratedRegex("one-time password (?<password>\\S+) ")]
    private static partial Regex OneTimePasswordInLog();
}
