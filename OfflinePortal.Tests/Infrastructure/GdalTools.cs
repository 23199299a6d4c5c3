using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace OfflinePortal.Tests.Infrastructure;

/// <summary>
/// Runs GDAL's command-line tools (Debian's gdal-bin + python3-gdal) on files the tests produce and returns their
/// parsed output. Failures carry GDAL's own output so that a broken file explains itself.
/// </summary>
public static class GdalTools
{
    /// <summary>Debian's python: the pyenv <c>python3</c> on PATH has no <c>osgeo</c> module (toolchain.md §7).</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>Runs <c>validate_gpkg -v --warning-as-error</c> and fails with its output when the file is not valid.</summary>
    public static void AssertValidGeoPackage(string path)
    {
        var result = Run(Python, ["-m", "osgeo_utils.samples.validate_gpkg", "-v", "--warning-as-error", path]);
        Assert.True(result.ExitCode == 0, $"validate_gpkg rejected {path} (exit {result.ExitCode}):\n{result.Output}");
    }

    /// <summary>
    /// What <c>ogrinfo -json</c> reports (GDAL 3.7+), produced with GDAL's python bindings because Debian 12's GDAL
    /// 3.6 ogrinfo has no JSON output: <c>layers[]</c> (name, featureCount, fidColumnName, geometryFields[name, type,
    /// coordinateSystem.wkt], fields[name, type, width, alternativeName, domainName], features[] as GeoJSON when
    /// asked) and <c>domains</c> (name to type and codedValues).
    /// </summary>
    public static JsonDocument OgrInfoJson(string path, string? layer = null, bool withFeatures = false, string? spatialFilter = null)
    {
        var args = new List<string> { "-c", OgrProbe, path, layer ?? "", withFeatures ? "1" : "0", spatialFilter ?? "" };
        return ParseJson(Python, args);
    }

    /// <summary>The layer object of <see cref="OgrInfoJson"/> for one layer.</summary>
    public static JsonElement OgrLayer(string path, string layer, bool withFeatures = false)
    {
        using var doc = OgrInfoJson(path, layer, withFeatures);
        return doc.RootElement.GetProperty("layers")[0].Clone();
    }

    private const string OgrProbe = """
        import json, sys
        from osgeo import ogr, gdal
        gdal.UseExceptions()
        path, only, with_features, spat = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4]
        ds = gdal.OpenEx(path, gdal.OF_VECTOR)
        out = {"layers": [], "domains": {}}
        for i in range(ds.GetLayerCount()):
            lyr = ds.GetLayer(i)
            if only and lyr.GetName() != only:
                continue
            if spat:
                lyr.SetSpatialFilterRect(*[float(v) for v in spat.split(",")])
            defn = lyr.GetLayerDefn()
            info = {"name": lyr.GetName(), "featureCount": lyr.GetFeatureCount(), "fidColumnName": lyr.GetFIDColumn(),
                    "geometryFields": [], "fields": []}
            for g in range(defn.GetGeomFieldCount()):
                gf = defn.GetGeomFieldDefn(g)
                srs = gf.GetSpatialRef()
                info["geometryFields"].append({"name": gf.GetName(), "type": ogr.GeometryTypeToName(gf.GetType()),
                    "coordinateSystem": {"wkt": srs.ExportToWkt() if srs else None,
                                          "epsg": srs.GetAuthorityCode(None) if srs else None}})
            for f in range(defn.GetFieldCount()):
                fd = defn.GetFieldDefn(f)
                info["fields"].append({"name": fd.GetName(), "type": fd.GetTypeName(), "subType": ogr.GetFieldSubTypeName(fd.GetSubType()),
                    "width": fd.GetWidth(), "alternativeName": fd.GetAlternativeName(), "domainName": fd.GetDomainName()})
            if with_features:
                info["features"] = [json.loads(feat.ExportToJson()) for feat in lyr]
            out["layers"].append(info)
        for name in (ds.GetFieldDomainNames() or []):
            d = ds.GetFieldDomain(name)
            entry = {"type": {ogr.OFDT_CODED: "coded", ogr.OFDT_RANGE: "range", ogr.OFDT_GLOB: "glob"}[d.GetDomainType()]}
            if d.GetDomainType() == ogr.OFDT_CODED:
                entry["codedValues"] = d.GetEnumeration()
            out["domains"][name] = entry
        print(json.dumps(out))
        """;

    /// <summary>Plain-text <c>ogrinfo</c> output (e.g. <c>-so -al</c>, or <c>-spat</c> queries); fails on a non-zero exit.</summary>
    public static string OgrInfoText(params string[] args)
    {
        var result = Run("ogrinfo", args);
        Assert.True(result.ExitCode == 0, $"ogrinfo {string.Join(' ', args)} failed (exit {result.ExitCode}):\n{result.Output}");
        return result.Output;
    }

    public static JsonDocument GdalInfoJson(string path, params string[] extraArgs) =>
        ParseJson("gdalinfo", ["-json", .. extraArgs, path]);

    public static ProcessResult Run(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + fileName);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish within 2 minutes.");
        }
        return new ProcessResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static JsonDocument ParseJson(string tool, IEnumerable<string> args)
    {
        var list = args.ToList();
        var result = Run(tool, list);
        var shown = string.Join(' ', list.Select(a => a.Length > 200 ? "<script>" : a));
        Assert.True(result.ExitCode == 0, $"{tool} {shown} failed (exit {result.ExitCode}):\n{result.Output}");
        try
        {
            return JsonDocument.Parse(result.StandardOutput);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{tool} did not print JSON:\n{result.Output}", e);
        }
    }

    public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
    {
        public string Output => new StringBuilder().AppendLine(StandardOutput).AppendLine(StandardError).ToString();
    }
}
