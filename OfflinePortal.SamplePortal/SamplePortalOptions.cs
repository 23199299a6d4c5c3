namespace OfflinePortal.SamplePortal;

/// <summary>Settings of the built-in sample portal (configuration section <c>SamplePortal</c>).</summary>
public sealed class SamplePortalOptions
{
    public const string SectionName = "SamplePortal";

    /// <summary>Folder holding the sample portal's own SQLite file. Relative paths are taken from the content root.</summary>
    public string DataDirectory { get; set; } = "data/sample-portal";
}
