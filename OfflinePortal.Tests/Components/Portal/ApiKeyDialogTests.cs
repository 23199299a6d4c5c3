using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Web.Components.Pages.ApiKeys;

namespace OfflinePortal.Tests.Components.Portal;

/// <summary>A new API key is shown once, in a dialog; afterwards only its prefix is visible and only its hash is stored.</summary>
public sealed class ApiKeyDialogTests : PortalComponentContext
{
    [Fact]
    public async Task CreateKey_ShowsItOnceThenNeverAgain()
    {
        SignIn(PortalRoles.Auditor);
        await using (var db = await DbAsync())
        {
            db.Users.Add(new PortalUser { Id = UserId, UserName = "auditor@x", Email = "auditor@x", DisplayName = "Sam Tester" });
            await db.SaveChangesAsync();
        }
        var dialogs = Render<MudDialogProvider>();
        var page = Render<ApiKeysPage>();

        page.Find("input#api-key-name, #api-key-name input").Change("nightly export");
        page.Find("#api-key-create").Click();

        string key = "";
        dialogs.WaitForAssertion(() =>
        {
            key = dialogs.Find("input#api-key-value, #api-key-value input").GetAttribute("value")!;
            Assert.StartsWith("opk_", key, StringComparison.Ordinal);
        });
        Assert.Contains("shown only once", dialogs.Markup, StringComparison.Ordinal);
        await using (var db = await DbAsync())
        {
            var stored = await db.ApiKeys.SingleAsync();
            Assert.Equal("nightly export", stored.Name);
            Assert.DoesNotContain(key, stored.Hash + stored.Prefix + stored.Name, StringComparison.Ordinal);
            Assert.Equal(64, stored.Hash.Length);
            Assert.Contains(stored.Prefix, key, StringComparison.Ordinal);
        }

        dialogs.Find("#api-key-done").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("#api-key-value")));
        page.WaitForAssertion(() => Assert.Contains("nightly export", page.Find("#api-keys-table").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain(key, page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(key, dialogs.Markup, StringComparison.Ordinal);
        var secret = key[(key.LastIndexOf('_') + 1)..];
        Assert.DoesNotContain(secret, page.Markup, StringComparison.Ordinal);
    }
}
