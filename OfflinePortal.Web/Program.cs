using MudBlazor.Services;
using OfflinePortal.SamplePortal;
using OfflinePortal.Web.Components;

var builder = WebApplication.CreateBuilder(args);

// Serve _content/* (MudBlazor) from the build output in every environment, not only Development (toolchain.md, gotcha 1).
builder.WebHost.UseStaticWebAssets();

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddSamplePortal(builder.Configuration);

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAntiforgery();

app.MapStaticAssets();
app.MapSamplePortal("/sample");
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();
