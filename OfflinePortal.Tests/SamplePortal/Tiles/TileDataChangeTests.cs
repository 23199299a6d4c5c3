using System.Globalization;
using System.Text.Json;
using OfflinePortal.SamplePortal.Tiles;

namespace OfflinePortal.Tests.SamplePortal.Tiles;

/// <summary>Tiles follow edits made through the feature service (the cache is keyed by the data version).</summary>
public sealed class TileDataChangeTests
{
    [Fact]
    public async Task Tiles_AfterAnAddFeatures_ShowTheNewHydrant()
    {
        await using var host = await SampleTileHost.StartAsync(hydrants: 200);
        var tile = TiledMapServiceTests.BusyTile(18);
        var rasterUrl = $"{host.ServicesUrl}/Basemap/MapServer/tile/{tile.Level}/{tile.Row}/{tile.Col}";
        var vectorUrl = $"{host.ServicesUrl}/BasemapVector/VectorTileServer/tile/{tile.Level}/{tile.Row}/{tile.Col}.pbf";
        var before = await host.Client.GetByteArrayAsync(rasterUrl);
        var vectorBefore = MvtDecoder.Decode(await host.Client.GetByteArrayAsync(vectorUrl));

        var centre = TileScheme.Raster.TileEnvelope(tile).Centre;
        var features = "[{\"geometry\":{\"x\":" + centre.X.ToString("R", CultureInfo.InvariantCulture) + ",\"y\":" + centre.Y.ToString("R", CultureInfo.InvariantCulture)
            + ",\"spatialReference\":{\"wkid\":102100}},\"attributes\":{\"ASSETID\":\"HYD-TILE-TEST\",\"STATUS\":\"InService\"}}]";
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["features"] = features, ["f"] = "json" });
        using var added = await host.Client.PostAsync($"{host.ServicesUrl}/WaterNetwork/FeatureServer/0/addFeatures", form);
        using var result = JsonDocument.Parse(await added.Content.ReadAsStringAsync());
        var addResult = result.RootElement.GetProperty("addResults")[0];
        Assert.True(addResult.GetProperty("success").GetBoolean());
        var objectId = addResult.GetProperty("objectId").GetInt64();

        // The version is read at most once a second: poll (bounded) until the tile changes.
        byte[] after = before;
        for (var i = 0; i < 100 && after.AsSpan().SequenceEqual(before); i++)
        {
            await Task.Delay(50);
            after = await host.Client.GetByteArrayAsync(rasterUrl);
        }
        Assert.False(after.AsSpan().SequenceEqual(before), "the raster tile shows the edit");
        var hydrants = MvtDecoder.Decode(await host.Client.GetByteArrayAsync(vectorUrl)).Single(l => l.Name == "hydrants");
        Assert.Contains(hydrants.Features, f => (long)f.Id == objectId && (string)f.Attributes["ASSETID"] == "HYD-TILE-TEST");
        Assert.DoesNotContain(vectorBefore.SelectMany(layer => layer.Features), f => f.Attributes.TryGetValue("ASSETID", out var v) && (string)v == "HYD-TILE-TEST");
    }
}
