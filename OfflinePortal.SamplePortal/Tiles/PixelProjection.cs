using NetTopologySuite.Geometries;
using OfflinePortal.SamplePortal.Data;
using SkiaSharp;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>
/// Maps Web Mercator coordinates (the storage system) onto the pixels of an image whose extent is given in the
/// image's own spatial reference: Web Mercator for tiles, Web Mercator or WGS84 for dynamic exports.
/// </summary>
internal readonly struct PixelProjection
{
    private readonly double _minX;
    private readonly double _maxY;
    private readonly double _scaleX;
    private readonly double _scaleY;
    private readonly bool _geographic;

    public PixelProjection(Envelope imageExtent, SampleSpatialReference imageSr, int width, int height)
    {
        ImageExtent = imageExtent;
        ImageSr = imageSr;
        Width = width;
        Height = height;
        _geographic = imageSr == SampleSpatialReference.Geographic;
        _minX = imageExtent.MinX;
        _maxY = imageExtent.MaxY;
        _scaleX = width / imageExtent.Width;
        _scaleY = height / imageExtent.Height;
        MercatorExtent = _geographic ? WebMercator.Project(imageExtent, WebMercator.Wgs84, WebMercator.LatestWkid) : imageExtent;
        MetersPerPixel = MercatorExtent.Width / width;
    }

    public Envelope ImageExtent { get; }

    public SampleSpatialReference ImageSr { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The image's extent in Web Mercator (what the feature reader is asked for).</summary>
    public Envelope MercatorExtent { get; }

    /// <summary>Web Mercator metres per pixel across the image: what symbol sizes and visibility follow.</summary>
    public double MetersPerPixel { get; }

    public SKPoint Project(double x, double y)
    {
        if (_geographic)
        {
            (x, y) = WebMercator.ToLonLat(x, y);
        }
        return new SKPoint((float)((x - _minX) * _scaleX), (float)((_maxY - y) * _scaleY));
    }

    /// <summary>The Web Mercator box to read, widened by <paramref name="marginPixels"/> so symbols crossing the edge are drawn.</summary>
    public Envelope QueryExtent(double marginPixels)
    {
        var margin = marginPixels * MetersPerPixel;
        var extent = new Envelope(MercatorExtent);
        extent.ExpandBy(margin);
        return extent;
    }
}
