using MudBlazor;

namespace OfflinePortal.Web.Components.Shared;

/// <summary>One way to ask "are you sure?" before something that cannot be undone (packages, areas, crews).</summary>
public static class DialogServiceExtensions
{
    /// <summary>True only when the user pressed the confirm button; Escape, the backdrop or "Keep it" answer false.</summary>
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string text, string confirmText = "Delete")
    {
        ArgumentNullException.ThrowIfNull(dialogs);
        var parameters = new DialogParameters<ConfirmDialog>
        {
            { d => d.Title, title },
            { d => d.Text, text },
            { d => d.ConfirmText, confirmText },
        };
        var dialog = await dialogs.ShowAsync<ConfirmDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        return result is { Canceled: false, Data: true };
    }
}
