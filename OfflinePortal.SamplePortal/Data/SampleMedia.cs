using System.Globalization;
using System.Text;
using SkiaSharp;

namespace OfflinePortal.SamplePortal.Data;

/// <summary>Small real images and documents made on the fly: hydrant photos (JPEG), item thumbnails (PNG), zone reports (PDF).</summary>
internal static class SampleMedia
{
    public const int PhotoVariants = 8;

    private static readonly SKColor[] Skies =
    [
        new(135, 190, 235), new(170, 200, 225), new(200, 210, 220), new(120, 170, 220),
        new(240, 200, 160), new(150, 180, 200), new(185, 215, 240), new(210, 190, 200),
    ];

    /// <summary>A 320×240 JPEG of a hydrant at the kerb; <paramref name="variant"/> changes light, ground and angle.</summary>
    public static byte[] HydrantPhoto(int variant)
    {
        var info = new SKImageInfo(320, 240);
        using var surface = SKSurface.Create(info);
        var c = surface.Canvas;
        c.Clear(Skies[variant % Skies.Length]);
        using var paint = new SKPaint { IsAntialias = true };
        paint.Color = new SKColor((byte)(90 + variant * 7), (byte)(120 + variant * 5), 80);
        c.DrawRect(0, 150, 320, 90, paint);
        paint.Color = new SKColor(160, 160, 160);
        c.DrawRect(0, 185, 320, 18, paint);
        var x = 110 + variant * 12;
        paint.Color = variant % 3 == 0 ? new SKColor(200, 30, 30) : variant % 3 == 1 ? new SKColor(230, 190, 30) : new SKColor(40, 90, 190);
        c.DrawRoundRect(new SKRect(x, 95, x + 44, 190), 8, 8, paint);
        c.DrawOval(new SKRect(x - 4, 78, x + 48, 112), paint);
        c.DrawRect(x - 18, 125, 80, 16, paint);
        paint.Color = SKColors.White;
        using var font = new SKFont(SKTypeface.Default, 14);
        c.DrawText(string.Create(CultureInfo.InvariantCulture, $"Hydrant photo {variant + 1}"), 8, 228, SKTextAlign.Left, font, paint);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 70);
        return data.ToArray();
    }

    /// <summary>A 200×133 PNG thumbnail (the ArcGIS thumbnail size) with the item's title on a colour band.</summary>
    public static byte[] Thumbnail(string title, string type)
    {
        var info = new SKImageInfo(200, 133);
        using var surface = SKSurface.Create(info);
        var c = surface.Canvas;
        var hue = (uint)type.GetHashCode(StringComparison.Ordinal) % 360;
        c.Clear(SKColor.FromHsl(hue, 45, 35));
        using var paint = new SKPaint { IsAntialias = true, Color = new SKColor(255, 255, 255, 60) };
        for (var i = 0; i < 6; i++)
        {
            c.DrawLine(0, 20 * i, 200, 20 * i + 40, paint);
        }
        paint.Color = SKColors.White;
        using var font = new SKFont(SKTypeface.Default, 15);
        var y = 60f;
        foreach (var line in Wrap(title, 22))
        {
            c.DrawText(line, 10, y, SKTextAlign.Left, font, paint);
            y += 18;
        }
        using var small = new SKFont(SKTypeface.Default, 11);
        c.DrawText(type, 10, 125, SKTextAlign.Left, small, paint);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + word.Length + 1 > width)
            {
                yield return line.ToString();
                line.Clear();
            }
            line.Append(line.Length > 0 ? " " : "").Append(word);
        }
        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }

    /// <summary>A minimal, valid one-page PDF with the given lines of text.</summary>
    public static byte[] Pdf(IReadOnlyList<string> lines)
    {
        var content = new StringBuilder("BT /F1 14 Tf 72 740 Td 18 TL\n");
        foreach (var l in lines)
        {
            content.Append('(').Append(l.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("(", "\\(", StringComparison.Ordinal).Replace(")", "\\)", StringComparison.Ordinal)).Append(") Tj T*\n");
        }
        content.Append("ET\n");
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            string.Create(CultureInfo.InvariantCulture, $"<< /Length {content.Length} >>\nstream\n{content}endstream"),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = pdf.Length;
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{o:D10} 00000 n \n");
        }
        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }
}
