using Bunit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Tests.Components.Portal;
using OfflinePortal.Web.Components.Pages.Admin;
using OfflinePortal.Web.Security;

namespace OfflinePortal.Tests.Components.Pages;

/// <summary>"Test connection" on the admin page shows each request and what the portal answered, never the token.</summary>
public sealed class ConnectionPageTests : PortalComponentContext
{
    private const string Token = "tok-3f9a1c77e2b84d05";

    public ConnectionPageTests()
    {
        Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        Services.AddHttpClient(PortalConnectionTester.HttpClientName);
        Services.AddSingleton<PortalConnectionTester>();
    }

    [Theory]
    [InlineData("s3cret-pass", true, "with the credential")]
    [InlineData("wrong", false, "refused the user name and password")]
    public async Task TestConnection_UserAndPassword_ShowsEachStep_AndHidesTheToken(string password, bool success, string expected)
    {
        SignIn(PortalRoles.Admin);
        await using var portal = await FakePortalAsync();
        var cut = Render<ConnectionPage>();
        cut.Find("input#connection-url, #connection-url input").Change(portal.Url);
        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<PortalAuthenticationKind>>().Instance.ValueChanged.InvokeAsync(PortalAuthenticationKind.UsernamePassword));
        cut.Find("input#connection-username, #connection-username input").Change("field-admin");
        cut.Find("input#connection-password, #connection-password input").Change(password);

        await cut.Find("#connection-test").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains(expected, cut.Find("#connection-test-result").TextContent, StringComparison.Ordinal));
        Assert.Contains(success ? "mud-alert-text-success" : "mud-alert-text-error", cut.Find("#connection-test-result").ClassName, StringComparison.Ordinal);
        Assert.Contains("GET info", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("POST generateToken", cut.Markup, StringComparison.Ordinal);
        Assert.Equal(success, cut.Markup.Contains("GET portals/self", StringComparison.Ordinal));
        Assert.DoesNotContain(Token, cut.Markup, StringComparison.Ordinal);
    }

    private sealed record FakePortal(WebApplication App, string Url) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    /// <summary>Three routes of an ArcGIS portal: info, generateToken (one user), portals/self (only with the token).</summary>
    private static async Task<FakePortal> FakePortalAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.MapGet("/portal/sharing/rest/info", () => Results.Text("""{"owningSystemUrl":"http://127.0.0.1","authInfo":{"isTokenBasedSecurity":true}}""", "application/json"));
        app.MapPost("/portal/sharing/rest/generateToken", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            return form["username"] == "field-admin" && form["password"] == "s3cret-pass"
                ? Results.Text($$"""{"token":"{{Token}}","expires":1999999999999}""", "application/json")
                : Results.Text("""{"error":{"code":400,"message":"Unable to generate token.","details":["Invalid username or password."]}}""", "application/json");
        });
        app.MapGet("/portal/sharing/rest/portals/self", (string? token) => token == Token
            ? Results.Text("""{"name":"Fake portal","user":{"username":"field-admin"}}""", "application/json")
            : Results.Text("""{"error":{"code":499,"message":"Token Required"}}""", "application/json"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakePortal(app, address + "/portal");
    }
}
