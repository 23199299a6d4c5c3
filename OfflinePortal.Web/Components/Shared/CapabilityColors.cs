using MudBlazor;
using OfflinePortal.Core.Offline;

namespace OfflinePortal.Web.Components.Shared;

/// <summary>The colour of a capability status, the same in the report, the layer tree and the overrides.</summary>
public static class CapabilityColors
{
    public static Color For(OfflineCapabilityStatus status) => status switch
    {
        OfflineCapabilityStatus.Offline => Color.Success,
        OfflineCapabilityStatus.OfflineReadOnly => Color.Info,
        OfflineCapabilityStatus.OnlineOnly => Color.Warning,
        _ => Color.Error,
    };
}
