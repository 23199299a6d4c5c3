namespace OfflinePortal.SamplePortal;

/// <summary>Settings of the built-in sample portal (configuration section <c>SamplePortal</c>).</summary>
public sealed class SamplePortalOptions
{
    public const string SectionName = "SamplePortal";

    /// <summary>Folder holding the sample portal's own SQLite file. Relative paths are taken from the content root.</summary>
    public string DataDirectory { get; set; } = "data/sample-portal";

    /// <summary>Number of generated hydrants; valves, mains, inspections and photos follow in proportion.</summary>
    public int HydrantCount { get; set; } = 2500;

    /// <summary>Optional folder of extra portal items: <c>name.item.json</c> (item info) with <c>name.data.json</c> (its data, e.g. a web map).</summary>
    public string? ItemsDirectory { get; set; }

    /// <summary>How long a replica result file is kept after it was written or last read.</summary>
    public TimeSpan ReplicaFileLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Title of the sample organisation (portals/self).</summary>
    public string PortalName { get; set; } = "Ashland Water (sample)";

    public SamplePortalSecurityOptions Security { get; set; } = new();

    public SamplePortalFaultOptions Faults { get; set; } = new();
}

/// <summary>Token security; off by default (everything anonymous).</summary>
public sealed class SamplePortalSecurityOptions
{
    public bool Enabled { get; set; }

    /// <summary>Accounts accepted by generateToken.</summary>
    public List<SamplePortalUser> Users { get; set; } = [];

    /// <summary>Lifetime of a token when the request does not ask for less.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(60);
}

public sealed class SamplePortalUser
{
    public string Username { get; set; } = "";

    public string Password { get; set; } = "";
}

/// <summary>Injected faults (configuration <c>SamplePortal:Faults:*</c>); all off by default. Change them at run time through <see cref="SamplePortalFaults"/>.</summary>
public sealed class SamplePortalFaultOptions
{
    /// <summary>Seed of the random choices (error rate, drop rate), so a run can be repeated.</summary>
    public int Seed { get; set; } = 1234;

    public int LatencyMilliseconds { get; set; }

    public string? LatencyPathContains { get; set; }

    /// <summary>Share of requests (0..1) answered with <see cref="ErrorStatusCode"/>.</summary>
    public double ErrorRate { get; set; }

    public int ErrorStatusCode { get; set; } = 503;

    public string? ErrorPathContains { get; set; }

    /// <summary>The next N matching requests fail with <see cref="ErrorStatusCode"/>.</summary>
    public int BurstFailures { get; set; }

    public string? BurstPathContains { get; set; }

    /// <summary>Share of requests (0..1) whose connection is aborted after <see cref="DropAfterBytes"/> bytes of body.</summary>
    public double DropConnectionRate { get; set; }

    public int DropAfterBytes { get; set; } = 256;

    public string? DropPathContains { get; set; }
}
