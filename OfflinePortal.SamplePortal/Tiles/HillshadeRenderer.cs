using NetTopologySuite.Geometries;
using SkiaSharp;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>
/// A procedural shaded relief: fractal value noise over Web Mercator metres, lit from the north-west. The surface is
/// a pure function of ground coordinates, so neighbouring tiles meet seamlessly at every level; octaves finer than
/// a few pixels are faded out so coarse levels do not alias into static.
/// </summary>
internal static class HillshadeRenderer
{
    private const int Octaves = 14;
    private const double FinestWavelength = 400;      // metres
    private const double ReliefPerWavelength = 0.14;  // amplitude / wavelength: every octave adds the same slope
    private const double MaxWavelengthInTiles = 16;   // longer waves only tilt a tile as a whole: left out per level
    private const double SunAzimuth = 315 * Math.PI / 180;
    private const double SunAltitude = 45 * Math.PI / 180;

    public static SKBitmap Render(Envelope extent, int width, int height)
    {
        var metersPerPixel = extent.Width / width;
        var weights = new double[Octaves];
        for (var k = 0; k < Octaves; k++)
        {
            var wavelength = FinestWavelength * Math.Pow(2, k);
            weights[k] = wavelength > MaxWavelengthInTiles * extent.Width && k > 0
                ? 0
                : SmoothStep(8 * metersPerPixel, 16 * metersPerPixel, wavelength) * ReliefPerWavelength * wavelength;
        }

        // Elevations at pixel corners, so each pixel's slope comes from its own four corners. Row by row and octave
        // by octave, so the lattice values of a noise cell are hashed once per row, not once per pixel.
        var stride = width + 1;
        var cellY = extent.Height / height;
        var z = new double[stride * (height + 1)];
        for (var j = 0; j <= height; j++)
        {
            var y = extent.MaxY - (j * cellY);
            var row = z.AsSpan(j * stride, stride);
            for (var k = 0; k < Octaves; k++)
            {
                if (weights[k] == 0)
                {
                    continue;
                }
                var wavelength = FinestWavelength * (1L << k);
                var gy = y / wavelength;
                var y0 = Math.Floor(gy);
                var iy = (long)y0;
                var fy = Fade(gy - y0);
                var cachedIx = long.MinValue;
                double a = 0, b = 0, c = 0, d = 0;
                for (var i = 0; i <= width; i++)
                {
                    var gx = (extent.MinX + (i * metersPerPixel)) / wavelength;
                    var x0 = Math.Floor(gx);
                    var ix = (long)x0;
                    if (ix != cachedIx)
                    {
                        (a, b, c, d) = (Lattice(ix, iy, k), Lattice(ix + 1, iy, k), Lattice(ix, iy + 1, k), Lattice(ix + 1, iy + 1, k));
                        cachedIx = ix;
                    }
                    var fx = Fade(gx - x0);
                    var top = a + ((b - a) * fx);
                    var bottom = c + ((d - c) * fx);
                    row[i] += weights[k] * (top + ((bottom - top) * fy));
                }
            }
        }

        // Lambert shading with the sun in the north-west at 45 degrees: light vector in (east, north, up).
        var lightEast = Math.Cos(SunAltitude) * Math.Sin(SunAzimuth);
        var lightNorth = Math.Cos(SunAltitude) * Math.Cos(SunAzimuth);
        var lightUp = Math.Sin(SunAltitude);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        for (var j = 0; j < height; j++)
        {
            for (var i = 0; i < width; i++)
            {
                var z00 = z[(j * stride) + i];
                var z10 = z[(j * stride) + i + 1];
                var z01 = z[((j + 1) * stride) + i];
                var z11 = z[((j + 1) * stride) + i + 1];
                var dzdx = ((z10 + z11) - (z00 + z01)) / (2 * metersPerPixel);
                var dzdy = ((z00 + z10) - (z01 + z11)) / (2 * cellY); // row j lies north of row j+1
                var shade = ((-dzdx * lightEast) - (dzdy * lightNorth) + lightUp) / Math.Sqrt(1 + (dzdx * dzdx) + (dzdy * dzdy));
                var t = Math.Clamp((shade - 0.25) / 0.75, 0, 1);
                var p = ((j * width) + i) * 4;
                pixels[p] = (byte)(78 + (t * 170));
                pixels[p + 1] = (byte)(84 + (t * 164));
                pixels[p + 2] = (byte)(80 + (t * 150));
                pixels[p + 3] = 255;
            }
        }
        return bitmap;
    }

    /// <summary>A value in [-1, 1) from a lattice point (SplitMix64 finaliser: fixed, so tiles are reproducible).</summary>
    private static double Lattice(long ix, long iy, int seed)
    {
        unchecked
        {
            var h = (ulong)ix * 0x9E3779B97F4A7C15UL ^ ((ulong)iy * 0xC2B2AE3D27D4EB4FUL) ^ ((ulong)seed * 0x165667B19E3779F9UL);
            h ^= h >> 30;
            h *= 0xBF58476D1CE4E5B9UL;
            h ^= h >> 27;
            h *= 0x94D049BB133111EBUL;
            h ^= h >> 31;
            return ((h >> 11) * (1.0 / (1UL << 53)) * 2) - 1;
        }
    }

    private static double Fade(double t) => t * t * t * ((t * ((t * 6) - 15)) + 10);

    private static double SmoothStep(double edge0, double edge1, double value)
    {
        var t = Math.Clamp((value - edge0) / (edge1 - edge0), 0, 1);
        return t * t * (3 - (2 * t));
    }
}
