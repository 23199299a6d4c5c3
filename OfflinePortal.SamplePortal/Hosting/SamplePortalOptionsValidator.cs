using Microsoft.Extensions.Options;

namespace OfflinePortal.SamplePortal.Hosting;

/// <summary>Checks every setting at start and reports all problems at once, each with its configuration key.</summary>
internal sealed class SamplePortalOptionsValidator : IValidateOptions<SamplePortalOptions>
{
    public ValidateOptionsResult Validate(string? name, SamplePortalOptions o)
    {
        var errors = new List<string>();
        const string p = SamplePortalOptions.SectionName;
        if (string.IsNullOrWhiteSpace(o.DataDirectory))
        {
            errors.Add($"{p}:DataDirectory must name a folder for the sample portal's SQLite file.");
        }
        if (o.HydrantCount is < 10 or > 5_000_000)
        {
            errors.Add($"{p}:HydrantCount must be between 10 and 5,000,000 (was {o.HydrantCount}).");
        }
        if (o.ReplicaFileLifetime <= TimeSpan.Zero)
        {
            errors.Add($"{p}:ReplicaFileLifetime must be positive.");
        }
        if (o.Security.Enabled)
        {
            if (o.Security.Users.Count == 0)
            {
                errors.Add($"{p}:Security:Users must list at least one user when security is enabled.");
            }
            if (o.Security.Users.Any(u => string.IsNullOrWhiteSpace(u.Username) || string.IsNullOrEmpty(u.Password)))
            {
                errors.Add($"{p}:Security:Users entries need a Username and a Password.");
            }
            if (o.Security.TokenLifetime <= TimeSpan.Zero)
            {
                errors.Add($"{p}:Security:TokenLifetime must be positive.");
            }
        }
        var f = o.Faults;
        if (f.ErrorRate is < 0 or > 1 || double.IsNaN(f.ErrorRate))
        {
            errors.Add($"{p}:Faults:ErrorRate must be between 0 and 1.");
        }
        if (f.DropConnectionRate is < 0 or > 1 || double.IsNaN(f.DropConnectionRate))
        {
            errors.Add($"{p}:Faults:DropConnectionRate must be between 0 and 1.");
        }
        if (f.ErrorStatusCode is < 500 or > 599)
        {
            errors.Add($"{p}:Faults:ErrorStatusCode must be a 5xx status.");
        }
        if (f.LatencyMilliseconds < 0 || f.BurstFailures < 0 || f.DropAfterBytes < 0)
        {
            errors.Add($"{p}:Faults: LatencyMilliseconds, BurstFailures and DropAfterBytes cannot be negative.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
