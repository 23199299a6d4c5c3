using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using OfflinePortal.Core.Areas;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Tests.Components.Portal;
using OfflinePortal.Web.Components.Pages.Areas;
using OfflinePortal.Web.Components.Pages.Crews;
using OfflinePortal.Web.Components.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace OfflinePortal.Tests.Components.Pages;

/// <summary>Crews and areas: edits succeed, deletions ask first, the area's size is shown beside the map with the engine's limit.</summary>
public sealed class CrewsAndAreasPageTests : PortalComponentContext
{
    private const string Small = """{"type":"Polygon","coordinates":[[[5.10,52.00],[5.20,52.00],[5.20,52.10],[5.10,52.10],[5.10,52.00]]]}""";

    // One degree by one degree at 52° N: about 7,600 km², over the default limit of 5,000 km².
    private const string TooLarge = """{"type":"Polygon","coordinates":[[[5.0,52.0],[6.0,52.0],[6.0,53.0],[5.0,53.0],[5.0,52.0]]]}""";

    [Fact]
    public async Task CrewsPage_EditRenames_DeleteAsksFirst_AndACrewInUseIsKept()
    {
        SignIn(PortalRoles.Supervisor);
        var areas = Get<AreaService>();
        var used = await areas.SaveCrewAsync(null, "North", null, CancellationToken.None);
        var free = await areas.SaveCrewAsync(null, "South", "spare", CancellationToken.None);
        await areas.SaveAreaAsync(null, new AreaInput("Harbour", "webmap-1", null, used.Id, Small), "Sam", CancellationToken.None);
        var dialogs = Render<MudDialogProvider>();
        var snackbars = Render<MudSnackbarProvider>();
        var cut = Render<CrewsPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll(".crew-edit").Count));

        cut.Find($"[aria-label='Edit crew South']").Click();
        cut.Find("input#crew-name, #crew-name input").Change("South-east");
        cut.Find("#crew-save").Click();
        cut.WaitForAssertion(() => Assert.Contains("South-east", cut.Find("#crews-table").TextContent, StringComparison.Ordinal));

        cut.Find("[aria-label='Delete crew South-east']").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("South-east", dialogs.Find("#confirm-text").TextContent, StringComparison.Ordinal));
        dialogs.Find("#confirm-no").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("#confirm-yes")));
        Assert.Equal(2, (await areas.ListCrewsAsync(CancellationToken.None)).Count);

        cut.Find("[aria-label='Delete crew North']").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("#confirm-yes").Click());
        snackbars.WaitForAssertion(() => Assert.Contains("assigned to 1 area", snackbars.Markup, StringComparison.Ordinal));
        Assert.Equal(2, (await areas.ListCrewsAsync(CancellationToken.None)).Count);

        cut.Find("[aria-label='Delete crew South-east']").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("#confirm-yes").Click());
        cut.WaitForAssertion(() => Assert.DoesNotContain("South-east", cut.Find("#crews-table").TextContent, StringComparison.Ordinal));
        Assert.Equal(["North"], (await areas.ListCrewsAsync(CancellationToken.None)).Select(c => c.Name));
        Assert.NotEqual(used.Id, free.Id);
    }

    [Fact]
    public async Task AreasPage_Delete_AsksFirst()
    {
        SignIn(PortalRoles.Supervisor);
        var areas = Get<AreaService>();
        await areas.SaveAreaAsync(null, new AreaInput("Harbour", "webmap-1", null, null, Small), "Sam", CancellationToken.None);
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<AreasPage>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll(".area-delete")));

        cut.Find(".area-delete").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("#confirm-no").Click());
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("#confirm-yes")));
        Assert.Single(await areas.ListAreasAsync(null, CancellationToken.None));

        cut.Find(".area-delete").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("#confirm-yes").Click());
        cut.WaitForAssertion(() => Assert.Contains("No areas yet", cut.Find("#areas-table").TextContent, StringComparison.Ordinal));
        Assert.Empty(await areas.ListAreasAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task AreaEditPage_Drawn_ShowsSizeAndLimit_TooLargeShowsTheEnginesMessageBesideTheMap_AndSavesNothing()
    {
        SignIn(PortalRoles.Supervisor);
        var cut = Render<AreaEditPage>();
        cut.Find("input#area-name, #area-name input").Change("Whole province");
        cut.Find("input#area-webmap, #area-webmap input").Change("webmap-1");
        Assert.Contains("the limit is 5,000 km²", cut.Find("#area-size").TextContent, StringComparison.Ordinal);
        var map = cut.FindComponent<AreaMap>();

        await cut.InvokeAsync(() => map.Instance.GeoJsonChanged.InvokeAsync(Small));
        cut.WaitForAssertion(() => Assert.Matches(@"Size: \d{2},?\d* km²|Size: \d+ km²", cut.Find("#area-size").TextContent));
        Assert.Empty(cut.FindAll("#area-geometry-error"));

        await cut.InvokeAsync(() => map.Instance.GeoJsonChanged.InvokeAsync(TooLarge));
        cut.WaitForAssertion(() => Assert.Contains("more than the limit of 5,000 km²", cut.Find("#area-geometry-error").TextContent, StringComparison.Ordinal));
        Assert.Matches(@"Size: 7,\d{3} km²", cut.Find("#area-size").TextContent);
        cut.Find("#area-save").Click();
        cut.WaitForAssertion(() => Assert.Contains("more than the limit", cut.Find("#area-geometry-error").TextContent, StringComparison.Ordinal));
        await using var db = await DbAsync();
        Assert.Equal(0, await db.Areas.CountAsync());
    }

    [Fact]
    public async Task AreaEditPage_UploadTooLarge_ShowsTheLimitBesideTheMap_AndSavesNothing()
    {
        SignIn(PortalRoles.Supervisor);
        var cut = Render<AreaEditPage>();
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(TooLarge, "province.geojson"));
        cut.WaitForAssertion(() => Assert.Contains("more than the limit of 5,000 km²", cut.Find("#area-geometry-error").TextContent, StringComparison.Ordinal));
        Assert.Contains("province.geojson", cut.Find("#area-geometry-error").TextContent, StringComparison.Ordinal);
        Assert.Contains("No area drawn yet", cut.Find("#area-size").TextContent, StringComparison.Ordinal);
        await using var db = await DbAsync();
        Assert.Equal(0, await db.Areas.CountAsync());
    }

    [Fact]
    public async Task AreaEditPage_EditExisting_SavesTheNewNameCrewAndGeometry()
    {
        SignIn(PortalRoles.Supervisor);
        var areas = Get<AreaService>();
        var crew = await areas.SaveCrewAsync(null, "Night shift", null, CancellationToken.None);
        var area = await areas.SaveAreaAsync(null, new AreaInput("Harbour", "webmap-1", "Water", null, Small), "Sam", CancellationToken.None);
        const string moved = """{"type":"Polygon","coordinates":[[[4.90,51.90],[4.95,51.90],[4.95,51.95],[4.90,51.95],[4.90,51.90]]]}""";
        var cut = Render<AreaEditPage>(p => p.Add(c => c.Id, area.Id));
        cut.WaitForAssertion(() => Assert.Contains("Size:", cut.Find("#area-size").TextContent, StringComparison.Ordinal));

        cut.Find("input#area-name, #area-name input").Change("Harbour, moved");
        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<int?>>().Instance.ValueChanged.InvokeAsync(crew.Id));
        await cut.InvokeAsync(() => cut.FindComponent<AreaMap>().Instance.GeoJsonChanged.InvokeAsync(moved));
        cut.Find("#area-save").Click();

        cut.WaitForAssertion(() => Assert.EndsWith("/areas", Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().Uri, StringComparison.Ordinal));
        var saved = (await areas.GetAreaAsync(area.Id, CancellationToken.None))!;
        Assert.Equal("Harbour, moved", saved.Name);
        Assert.Equal(crew.Id, saved.CrewId);
        Assert.Contains("4.9", saved.GeoJson, StringComparison.Ordinal);
        Assert.DoesNotContain("5.2", saved.GeoJson, StringComparison.Ordinal);
    }

    [Fact]
    public void AreaEditPage_NewArea_AuditorIsToldInsteadOfGivenAForm()
    {
        SignIn(PortalRoles.Auditor);
        var cut = Render<AreaEditPage>();
        Assert.Contains("Only supervisors and admins can create areas", cut.Find("#area-read-only").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("#area-save"));
        Assert.Empty(cut.FindAll("#area-name"));
    }
}
