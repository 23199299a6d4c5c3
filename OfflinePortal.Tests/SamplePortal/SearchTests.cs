using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.SamplePortal;
using OfflinePortal.SamplePortal.Portal;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.SamplePortal;

/// <summary>
/// /sharing/rest/search over real HTTP: field terms, boolean operators, free text, sorting both ways and 1-based paging.
/// Expected sets are computed here from the full item list, not by the server's own query parser.
/// </summary>
public sealed class SearchTests(SearchTests.Host host) : IClassFixture<SearchTests.Host>
{
    public sealed class Host : IAsyncLifetime
    {
        public SamplePortalServer Server { get; private set; } = null!;

        public SamplePortalClient Client { get; private set; } = null!;

        public List<Item> All { get; private set; } = null!;

        private readonly string _items = TestPaths.NewTempDirectory("sample-search-items");

        public async Task InitializeAsync()
        {
            // Two items of another owner, so that owner: has something to tell apart.
            File.WriteAllText(Path.Combine(_items, "crew-notes.item.json"),
                """{"title":"Crew Hydrant Notes","type":"Web Map","owner":"fieldcrew","tags":["crew","hydrants"],"snippet":"Notes of the night crew.","created":1700000000000}""");
            File.WriteAllText(Path.Combine(_items, "crew-notes.data.json"), """{"operationalLayers":[],"baseMap":{"baseMapLayers":[],"title":"none"},"version":"2.31"}""");
            File.WriteAllText(Path.Combine(_items, "crew-sheet.item.json"),
                """{"title":"Crew Timesheet","type":"CSV","owner":"fieldcrew","tags":["crew"],"snippet":"Hours.","created":1600000000000}""");
            Server = await SamplePortalServer.StartAsync(o => { o.HydrantCount = 50; o.ItemsDirectory = _items; });
            Client = new SamplePortalClient(Server);
            // The whole catalogue, read from the server's own list rather than through the query parser under test.
            All = [.. Server.Services.GetRequiredService<PortalCatalog>().Items
                .Select(i => new Item(i.Id, i.Title, i.Type, i.Owner, [.. i.Tags], i.Snippet ?? "", i.Created))];
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            await Server.DisposeAsync();
            TestPaths.DeleteQuietly(_items);
        }
    }

    public sealed record Item(string Id, string Title, string Type, string Owner, string[] Tags, string Snippet, long Created)
    {
        public bool Tagged(string tag) => Tags.Any(t => string.Equals(t, tag, StringComparison.OrdinalIgnoreCase));
    }

    private List<Item> All => host.All;

    private async Task<JsonElement> SearchAsync(string q, params (string Key, string Value)[] extra) =>
        await host.Client.GetAsync(host.Server.PortalUrl + "/search", [("q", q), .. extra.Any(e => e.Key == "num") ? extra : [.. extra, ("num", "100")]]);

    private async Task<List<string>> IdsAsync(string q, params (string Key, string Value)[] extra)
    {
        var answer = await SearchAsync(q, extra);
        Assert.Equal(0, SamplePortalClient.ErrorCode(answer));
        var ids = answer.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
        Assert.Equal(ids.Count, answer.GetProperty("total").GetInt32());
        return ids;
    }

    private static void AssertSameSet(IEnumerable<Item> expected, IEnumerable<string> actual)
    {
        var e = expected.Select(i => i.Id).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(e);
        Assert.Equal(e, actual.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Catalogue_HasSeveralTypesAndTags()
    {
        Assert.True(All.Count >= 10);
        Assert.True(All.Select(i => i.Type).Distinct().Count() >= 3);
    }

    [Fact]
    public async Task Search_Title_MatchesPhraseOnly()
    {
        AssertSameSet(All.Where(i => i.Title == "Hydrant Maintenance"), await IdsAsync("title:\"Hydrant Maintenance\""));
        AssertSameSet(All.Where(i => i.Title.Split(' ', '(', ')').Contains("Basemap")), await IdsAsync("title:Basemap"));
        Assert.Empty(await IdsAsync("title:\"Maintenance Hydrant\""));
    }

    [Fact]
    public async Task Search_Owner_MatchesAndDoesNotMatch()
    {
        AssertSameSet(All.Where(i => i.Owner == PortalCatalog.Owner), await IdsAsync("owner:sampleadmin"));
        AssertSameSet(All.Where(i => i.Owner == "fieldcrew"), await IdsAsync("owner:FieldCrew"));
        Assert.Equal(2, (await IdsAsync("owner:fieldcrew")).Count);
        Assert.Empty(await IdsAsync("owner:nobody"));
        Assert.Empty(await IdsAsync("owner:field"));
        AssertSameSet(All.Where(i => i.Type == "Web Map" && i.Owner == PortalCatalog.Owner), await IdsAsync("owner:sampleadmin AND type:\"Web Map\" -type:\"Web Mapping Application\""));
        AssertSameSet(All.Where(i => i.Type == "Web Map" && i.Owner != PortalCatalog.Owner), await IdsAsync("type:\"Web Map\" -owner:sampleadmin"));
    }

    [Fact]
    public async Task Search_Tags_MatchWholeTags()
    {
        AssertSameSet(All.Where(i => i.Tagged("basemap")), await IdsAsync("tags:basemap"));
        AssertSameSet(All.Where(i => i.Tagged("hydrants")), await IdsAsync("tags:hydrants"));
        Assert.Empty(await IdsAsync("tags:hydrant"));
    }

    [Fact]
    public async Task Search_BooleanOperators_CombineAsWritten()
    {
        AssertSameSet(All.Where(i => i.Tagged("basemap") || i.Tagged("hydrants")), await IdsAsync("tags:basemap OR tags:hydrants"));
        AssertSameSet(All.Where(i => i.Tagged("offline") && i.Type == "Web Map"), await IdsAsync("tags:offline AND type:\"Web Map\""));
        AssertSameSet(All.Where(i => i.Tagged("sample") && !i.Tagged("basemap")), await IdsAsync("tags:sample NOT tags:basemap"));
        AssertSameSet(All.Where(i => i.Tagged("sample") && !i.Tagged("basemap")), await IdsAsync("tags:sample -tags:basemap"));
        AssertSameSet(All.Where(i => i.Tagged("sample") && i.Tagged("offline")), await IdsAsync("+tags:sample +tags:offline"));
        AssertSameSet(All.Where(i => (i.Tagged("basemap") || i.Tagged("hydrants")) && i.Type != "Web Map"), await IdsAsync("(tags:basemap OR tags:hydrants) -type:\"Web Map\""));
        Assert.Equal(400, SamplePortalClient.ErrorCode(await SearchAsync("(tags:basemap")));
    }

    [Fact]
    public async Task Search_FreeText_MatchesTitleSnippetOrTags()
    {
        AssertSameSet(All.Where(i => i.Title.Contains("Valve", StringComparison.Ordinal) || i.Snippet.Contains("valve", StringComparison.OrdinalIgnoreCase) || i.Tagged("valves")),
            await IdsAsync("valve OR valves"));
        var hydrantMaintenance = await IdsAsync("hydrant maintenance");
        Assert.Contains(SampleItemIds.HydrantMaintenanceMap, hydrantMaintenance);
        Assert.DoesNotContain(SampleItemIds.BasemapService, hydrantMaintenance);
        Assert.Empty(await IdsAsync("zzzunknownword"));
    }

    [Theory]
    [InlineData("title", "asc")]
    [InlineData("title", "desc")]
    [InlineData("created", "asc")]
    [InlineData("created", "desc")]
    public async Task Search_SortFieldAndOrder_OrderTheResults(string field, string order)
    {
        var ids = await IdsAsync("owner:sampleadmin OR owner:fieldcrew", ("sortField", field), ("sortOrder", order));
        var byId = All.ToDictionary(i => i.Id);
        IEnumerable<Item> ordered = field == "title"
            ? All.OrderBy(i => i.Title.ToLowerInvariant(), StringComparer.Ordinal)
            : All.OrderBy(i => i.Created);
        var keys = ids.Select(id => field == "title" ? byId[id].Title.ToLowerInvariant() : byId[id].Created.ToString("D20", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var sorted = order == "asc" ? keys.Order(StringComparer.Ordinal).ToList() : keys.OrderDescending(StringComparer.Ordinal).ToList();
        Assert.Equal(sorted, keys);
        Assert.NotEqual(keys.First(), keys.Last());
        Assert.Equal(ordered.Count(), ids.Count);
    }

    [Fact]
    public async Task Search_Paging_OneBasedStartAndMinusOneOnTheLastPage()
    {
        var all = await IdsAsync("owner:sampleadmin OR owner:fieldcrew", ("sortField", "title"));
        var pages = new List<string>();
        var start = 1;
        var guard = 0;
        while (start != -1 && guard++ < 50)
        {
            var page = await SearchAsync("owner:sampleadmin OR owner:fieldcrew", ("sortField", "title"), ("num", "3"), ("start", start.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal(start, page.GetProperty("start").GetInt32());
            Assert.Equal(all.Count, page.GetProperty("total").GetInt32());
            var results = page.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
            pages.AddRange(results);
            var next = page.GetProperty("nextStart").GetInt32();
            Assert.Equal(start + 3 > all.Count ? -1 : start + 3, next);
            start = next;
        }
        Assert.Equal(all, pages);
        var beyond = await SearchAsync("owner:sampleadmin", ("num", "3"), ("start", (all.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Empty(beyond.GetProperty("results").EnumerateArray());
        Assert.Equal(-1, beyond.GetProperty("nextStart").GetInt32());
    }
}
