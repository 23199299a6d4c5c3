using Microsoft.Extensions.Options;
using OfflinePortal.SamplePortal.Http;

namespace OfflinePortal.SamplePortal;

/// <summary>
/// Injected faults, read from <c>SamplePortal:Faults:*</c> at start and changeable at run time (tests resolve this
/// singleton from the host). Each fault can be limited to request paths containing a text, e.g. <c>createReplica</c>,
/// <c>replicafiles</c> or <c>/tile/</c>. Random choices come from one seeded generator, so a sequence of requests
/// meets the same faults on every run.
/// </summary>
public sealed class SamplePortalFaults
{
    private readonly Lock _lock = new();
    private readonly TokenService _tokens;
    private Random _random;
    private int _burstRemaining;

    internal SamplePortalFaults(IOptions<SamplePortalOptions> options, TokenService tokens)
    {
        _tokens = tokens;
        var f = options.Value.Faults;
        _random = new Random(f.Seed);
        Latency = TimeSpan.FromMilliseconds(f.LatencyMilliseconds);
        LatencyPathContains = f.LatencyPathContains;
        ErrorRate = f.ErrorRate;
        ErrorStatusCode = f.ErrorStatusCode;
        ErrorPathContains = f.ErrorPathContains;
        _burstRemaining = f.BurstFailures;
        BurstPathContains = f.BurstPathContains;
        DropConnectionRate = f.DropConnectionRate;
        DropAfterBytes = f.DropAfterBytes;
        DropPathContains = f.DropPathContains;
    }

    public TimeSpan Latency { get; set; }

    public string? LatencyPathContains { get; set; }

    public double ErrorRate { get; set; }

    public int ErrorStatusCode { get; set; }

    public string? ErrorPathContains { get; set; }

    public string? BurstPathContains { get; set; }

    public double DropConnectionRate { get; set; }

    public int DropAfterBytes { get; set; }

    public string? DropPathContains { get; set; }

    /// <summary>Failures still to come from <see cref="FailNext"/>.</summary>
    public int PendingBurstFailures
    {
        get
        {
            lock (_lock)
            {
                return _burstRemaining;
            }
        }
    }

    /// <summary>The next <paramref name="count"/> requests whose path contains <paramref name="pathContains"/> (all if null) fail with <see cref="ErrorStatusCode"/>.</summary>
    public void FailNext(int count, string? pathContains = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_lock)
        {
            _burstRemaining = count;
            BurstPathContains = pathContains;
        }
    }

    /// <summary>Makes every token issued so far invalid: the next request using one gets 498.</summary>
    public void ExpireAllTokens() => _tokens.ExpireAll();

    /// <summary>Turns every fault off and restarts the random sequence from <paramref name="seed"/>.</summary>
    public void Reset(int seed = 1234)
    {
        lock (_lock)
        {
            _random = new Random(seed);
            _burstRemaining = 0;
            Latency = TimeSpan.Zero;
            ErrorRate = 0;
            DropConnectionRate = 0;
            LatencyPathContains = ErrorPathContains = BurstPathContains = DropPathContains = null;
            ErrorStatusCode = 503;
            DropAfterBytes = 256;
        }
    }

    internal readonly record struct Decision(TimeSpan Delay, int? FailStatus, int? DropAfter);

    internal Decision Decide(string path)
    {
        lock (_lock)
        {
            var delay = Matches(path, LatencyPathContains) ? Latency : TimeSpan.Zero;
            if (_burstRemaining > 0 && Matches(path, BurstPathContains))
            {
                _burstRemaining--;
                return new(delay, ErrorStatusCode, null);
            }
            if (ErrorRate > 0 && Matches(path, ErrorPathContains) && _random.NextDouble() < ErrorRate)
            {
                return new(delay, ErrorStatusCode, null);
            }
            if (DropConnectionRate > 0 && Matches(path, DropPathContains) && _random.NextDouble() < DropConnectionRate)
            {
                return new(delay, null, DropAfterBytes);
            }
            return new(delay, null, null);
        }
    }

    private static bool Matches(string path, string? contains) =>
        string.IsNullOrEmpty(contains) || path.Contains(contains, StringComparison.OrdinalIgnoreCase);
}
