using NetTopologySuite.Geometries;
using OfflinePortal.SamplePortal.Tiles;

namespace OfflinePortal.Tests.SamplePortal.Tiles;

public sealed class TileSchemeTests
{
    [Fact]
    public void TileEnvelope_LevelZero_CoversTheWorld()
    {
        var world = TileScheme.Raster.TileEnvelope(new TileAddress(0, 0, 0));
        Assert.Equal(-20037508.342787, world.MinX, 3);
        Assert.Equal(20037508.342787, world.MaxY, 3);
        Assert.Equal(2 * 20037508.342787, world.Width, 0);
    }

    [Fact]
    public void VectorScheme_LevelZ_CoversTheSameGroundAsRasterLevelZ()
    {
        for (var level = 0; level <= 19; level++)
        {
            var raster = TileScheme.Raster.TileSpan(level);
            var vector = TileScheme.Vector.TileSpan(level);
            Assert.True(Math.Abs(raster - vector) < raster * 1e-9, $"level {level}: {raster} vs {vector}");
        }
    }

    [Theory]
    [InlineData(0, 0, 0, true)]
    [InlineData(19, 524287, 524287, true)]
    [InlineData(20, 0, 0, false)]
    [InlineData(-1, 0, 0, false)]
    [InlineData(3, 8, 0, false)]
    [InlineData(3, 0, 8, false)]
    [InlineData(3, -1, 0, false)]
    public void IsValid_ChecksLevelRowAndColumn(int level, long row, long col, bool expected) =>
        Assert.Equal(expected, TileScheme.Raster.IsValid(new TileAddress(level, row, col)));

    [Theory]
    [InlineData(10)]
    [InlineData(14)]
    [InlineData(16)]
    public void Range_MatchesTilesWhoseInteriorOverlapsTheExtent(int level)
    {
        var extent = new Envelope(-13663910.9, -13655005.3, 5185727.8, 5193991.6);
        var range = TileScheme.Raster.Range(extent, level);
        Assert.NotNull(range);

        // Brute force over a generous window: a tile counts when its interior overlaps the extent's.
        var span = TileScheme.Raster.TileSpan(level);
        long expected = 0;
        var firstCol = (long)((extent.MinX - TileScheme.OriginX) / span) - 3;
        var firstRow = (long)((TileScheme.OriginY - extent.MaxY) / span) - 3;
        var cols = (long)(extent.Width / span) + 6;
        var rows = (long)(extent.Height / span) + 6;
        for (var r = firstRow; r < firstRow + rows; r++)
        {
            for (var c = firstCol; c < firstCol + cols; c++)
            {
                var tile = TileScheme.Raster.TileEnvelope(new TileAddress(level, r, c));
                if (tile.MinX < extent.MaxX && tile.MaxX > extent.MinX && tile.MinY < extent.MaxY && tile.MaxY > extent.MinY)
                {
                    expected++;
                    Assert.InRange(r, range.Value.MinRow, range.Value.MaxRow);
                    Assert.InRange(c, range.Value.MinCol, range.Value.MaxCol);
                }
            }
        }
        Assert.Equal(expected, range.Value.Count);
    }

    [Fact]
    public void Range_ExtentOnTileEdges_TakesNoNeighbours()
    {
        var tile = TileScheme.Raster.TileEnvelope(new TileAddress(12, 1500, 700));
        var range = TileScheme.Raster.Range(tile, 12);
        Assert.Equal(new TileRange(12, 1500, 1500, 700, 700), range);
    }

    [Fact]
    public void Range_OutsideTheWorld_IsNullAndClampsAtTheEdge()
    {
        Assert.Null(TileScheme.Raster.Range(new Envelope(-3e7, -2.5e7, 0, 1), 5));
        var clamped = TileScheme.Raster.Range(new Envelope(-3e7, 3e7, -3e7, 3e7), 2);
        Assert.Equal(16, clamped!.Value.Count);
    }
}
