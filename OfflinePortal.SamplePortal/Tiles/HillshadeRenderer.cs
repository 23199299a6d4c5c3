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
    private const double ReliefPerWavelength = 0.05;  // amplitude / wavelength: every octave adds the same slope
    private const double SunAzimuth = 315 * Math.PI / 180;
    private const double SunAltitude = 45 * Math.PI / 180;

    public static SKBitmap Render(Envelope extent, int width, int height)
    {
        var metersPerPixel = extent.Width / width;
        var weights = new double[Octaves];
        for (var k = 0; k < Octaves; k++)
        {
            var wavelength = FinestWavelength * Math.Pow(2, k);
            weights[k] = SmoothStep(4 * metersPerPixel, 8 * metersPerPixel, wavelength) * ReliefPerWavelength * wavelength;
        }

        // Elevations at pixel corners, so each pixel's slope comes from its own four corners.
        var stride = width + 1;
        var z = new double[stride * (height + 1)];
        for (var j = 0; j <= height; j++)
        {
            var y = extent.MaxY - (j * (extent.Height / height));
            for (var i = 0; i <= width; i++)
            {
                var x = extent.MinX + (i * metersPerPixel);
                z[(j * stride) + i] = Elevation(x, y, weights);
            }
        }

        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = new SKColor[width * height];
        var cellY = extent.Height / height;
        var zenith = (Math.PI / 2) - SunAltitude;
        for (var j = 0; j < height; j++)
        {
            for (var i = 0; i < width; i++)
            {
                var z00 = z[(j * stride) + i];
                var z10 = z[(j * stride) + i + 1];
                var z01 = z[((j + 1) * stride) + i];
                var z11 = z[((j + 1) * stride) + i + 1];
                var dzdx = ((z10 + z11) - (z00 + z01)) / (2 * metersPerPixel);
                var dzdy = ((z00 + z10) - (z01 + z11)) / (2 * cellY); // row j+1 lies south of row j
                var slope = Math.Atan(Math.Sqrt((dzdx * dzdx) + (dzdy * dzdy)));
                var aspect = Math.Atan2(dzdy, -dzdx);
                var shade = (Math.Cos(zenith) * Math.Cos(slope)) + (Math.Sin(zenith) * Math.Sin(slope) * Math.Cos(SunAzimuth - aspect));
                var t = Math.Clamp(shade, 0, 1);
                pixels[(j * width) + i] = new SKColor(
                    (byte)(78 + (t * 170)),
                    (byte)(84 + (t * 164)),
                    (byte)(80 + (t * 150)));
            }
        }
        bitmap.Pixels = pixels;
        return bitmap;
    }

    private static double Elevation(double x, double y, double[] weights)
    {
        var sum = 0.0;
        for (var k = 0; k < weights.Length; k++)
        {
            if (weights[k] == 0)
            {
                continue;
            }
            var wavelength = FinestWavelength * (1L << k);
            sum += weights[k] * ValueNoise(x / wavelength, y / wavelength, k);
        }
        return sum;
    }

    private static double ValueNoise(double x, double y, int seed)
    {
        var x0 = Math.Floor(x);
        var y0 = Math.Floor(y);
        var ix = (long)x0;
        var iy = (long)y0;
        var fx = Fade(x - x0);
        var fy = Fade(y - y0);
        var a = Lattice(ix, iy, seed);
        var b = Lattice(ix + 1, iy, seed);
        var c = Lattice(ix, iy + 1, seed);
        var d = Lattice(ix + 1, iy + 1, seed);
        var top = a + ((b - a) * fx);
        var bottom = c + ((d - c) * fx);
        return top + ((bottom - top) * fy);
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
