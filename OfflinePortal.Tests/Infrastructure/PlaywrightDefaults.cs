using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace OfflinePortal.Tests.Infrastructure;

/// <summary>
/// Browser tests run beside the rest of the suite on two cores, where a Blazor round trip can take longer than
/// Playwright's default 5 s for web-first assertions: give every assertion the same patient default.
/// </summary>
internal static class PlaywrightDefaults
{
    public const float AssertionTimeoutMilliseconds = 30_000;

    [ModuleInitializer]
    internal static void Apply() => Assertions.SetDefaultExpectTimeout(AssertionTimeoutMilliseconds);
}
