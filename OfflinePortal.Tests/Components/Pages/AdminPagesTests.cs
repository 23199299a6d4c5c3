using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Tests.Components.Portal;
using OfflinePortal.Web.Components.Pages.Admin;

namespace OfflinePortal.Tests.Components.Pages;

/// <summary>The admin pages: users (one-time password, role change, lock, the last admin is protected) and retention.</summary>
public sealed class AdminPagesTests : PortalComponentContext
{
    public AdminPagesTests()
    {
        Services.AddIdentityCore<PortalUser>().AddRoles<IdentityRole>().AddEntityFrameworkStores<PortalDbContext>().AddDefaultTokenProviders();
    }

    [Fact]
    public async Task UsersPage_CreateGivesAOneTimePassword_RoleChangeAndLockWork_TheLastAdminIsProtected()
    {
        SignIn(PortalRoles.Admin);
        await using (var scope = Services.CreateAsyncScope())
        {
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            foreach (var role in PortalRoles.All)
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
        var users = Get<UserAdministrationService>();
        await users.CreateAsync("admin@x.test", "Only Admin", PortalRoles.Admin, CancellationToken.None);
        var dialogs = Render<MudDialogProvider>();
        var snackbars = Render<MudSnackbarProvider>();
        var cut = Render<UsersPage>();
        cut.WaitForAssertion(() => Assert.Contains("admin@x.test", cut.Find("#users-table").TextContent, StringComparison.Ordinal));

        // Create: the one-time password is shown once, and the user must change it at first sign-in.
        cut.Find("input#user-email, #user-email input").Change("ann@x.test");
        cut.Find("input#user-name, #user-name input").Change("Ann");
        cut.Find("#user-create").Click();
        string password = "";
        dialogs.WaitForAssertion(() => password = dialogs.Find("input#one-time-password, #one-time-password input").GetAttribute("value")!);
        Assert.True(password.Length >= 10, password);
        dialogs.Find("#one-time-password-done").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("#one-time-password")));
        Assert.DoesNotContain(password, cut.Markup, StringComparison.Ordinal);
        var ann = (await users.ListAsync(CancellationToken.None)).Single(u => u.Email == "ann@x.test");
        Assert.True(ann.MustChangePassword);
        Assert.Equal(PortalRoles.Supervisor, ann.Role);
        await using (var scope = Services.CreateAsyncScope())
        {
            var manager = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            Assert.True(await manager.CheckPasswordAsync((await manager.FindByIdAsync(ann.Id))!, password));
        }

        // Role change and lock through the table.
        await cut.InvokeAsync(() => RoleSelect(cut, "ann@x.test").ValueChanged.InvokeAsync(PortalRoles.Auditor));
        Assert.Equal(PortalRoles.Auditor, (await users.ListAsync(CancellationToken.None)).Single(u => u.Id == ann.Id).Role);
        await cut.Find("[aria-label='Lock ann@x.test']").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[aria-label='Unlock ann@x.test']")));
        Assert.True((await users.ListAsync(CancellationToken.None)).Single(u => u.Id == ann.Id).IsLockedOut);

        // The last admin can be neither demoted nor locked.
        await cut.InvokeAsync(() => RoleSelect(cut, "admin@x.test").ValueChanged.InvokeAsync(PortalRoles.Supervisor));
        snackbars.WaitForAssertion(() => Assert.Contains("last administrator", snackbars.Markup, StringComparison.Ordinal));
        await cut.Find("[aria-label='Lock admin@x.test']").ClickAsync(new());
        var admin = (await users.ListAsync(CancellationToken.None)).Single(u => u.Email == "admin@x.test");
        Assert.Equal(PortalRoles.Admin, admin.Role);
        Assert.False(admin.IsLockedOut);
        Assert.NotEmpty(cut.FindAll("[aria-label='Lock admin@x.test']"));
    }

    [Fact]
    public async Task RetentionPage_SavesDays_RefusesNonsense_AndEmptyMeansForEver()
    {
        SignIn(PortalRoles.Admin, "Ada Admin");
        var settings = Get<PortalSettingsService>();
        var cut = Render<RetentionPage>();
        var field = cut.FindComponent<MudNumericField<int?>>();

        await cut.InvokeAsync(() => field.Instance.ValueChanged.InvokeAsync(30));
        await cut.Find("#retention-save").ClickAsync(new());
        Assert.Equal(30, (await settings.GetAsync(CancellationToken.None)).PackageRetentionDays);
        Assert.Equal("Ada Admin", (await settings.GetAsync(CancellationToken.None)).UpdatedBy);

        await cut.InvokeAsync(() => field.Instance.ValueChanged.InvokeAsync(-5));
        await cut.Find("#retention-save").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Contains("between 1 and 36500", cut.Markup, StringComparison.Ordinal));
        Assert.Equal(30, (await settings.GetAsync(CancellationToken.None)).PackageRetentionDays);

        await cut.InvokeAsync(() => field.Instance.ValueChanged.InvokeAsync(null));
        await cut.Find("#retention-save").ClickAsync(new());
        Assert.Null((await settings.GetAsync(CancellationToken.None)).PackageRetentionDays);
    }

    private static MudSelect<string> RoleSelect(IRenderedComponent<UsersPage> cut, string email) =>
        cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.UserAttributes.TryGetValue("aria-label", out var label) && Equals(label, $"Role of {email}")).Instance;
}
