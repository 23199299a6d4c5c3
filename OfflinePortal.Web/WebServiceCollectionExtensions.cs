using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor.Services;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Areas;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Core.Offline;
using OfflinePortal.SamplePortal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OfflinePortal.Web.Components;
using OfflinePortal.Web.Components.Shared;
using OfflinePortal.Web.Components.Account;
using OfflinePortal.Web.Endpoints;
using OfflinePortal.Web.Hubs;
using OfflinePortal.Web.Security;

namespace OfflinePortal.Web;

/// <summary>Composes the portal: Core capabilities, identity, Blazor, the hub and the API.</summary>
public static class WebServiceCollectionExtensions
{
    public static WebApplicationBuilder AddOfflinePortal(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        // Serve _content/* (MudBlazor) from the build output in every environment, not only Development (toolchain.md, gotcha 1).
        builder.WebHost.UseStaticWebAssets();

        // Order matters: the migrator (in AddPortalPersistence) starts before the job runner.
        services.AddPortalPersistence(configuration, builder.Environment.ContentRootPath);
        services.AddPortalJobs(configuration);
        services.AddPortalAreas();
        services.AddPortalAdministration();
        services.AddPackaging();
        services.AddOfflineMapJobs(configuration);
        services.AddOfflineMapService(configuration);
        services.AddSingleton<ISamplePortalAddress, SamplePortalAddress>();
        services.AddSamplePortal(configuration);
        services.TryAddSingleton<IAreaMapLayersProvider, SampleAreaMapLayersProvider>();

        services.AddPortalAuthentication();
        services.AddHttpClient(PortalConnectionTester.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(20));
        services.AddSingleton<PortalConnectionTester>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddScoped<IdentityRedirectManager>();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices(ConfigureMud);
        services.AddSignalR();
        services.AddHostedService<JobsHubBridge>();
        services.AddOpenApi();
        services.AddProblemDetails();
        return builder;
    }

    /// <summary>
    /// Snackbars sit at the bottom: at MudBlazor's default (top right) the job-finished snackbar covered the job page's
    /// Download button, which sits at the right end of the title row.
    /// </summary>
    public static void ConfigureMud(MudServicesConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight;
        configuration.SnackbarConfiguration.VisibleStateDuration = 6000;
    }

    public static WebApplication MapOfflinePortal(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }
        // Pages show the not-found page; API, hub and OpenAPI callers get the bare status code (401 stays 401).
        app.UseWhen(context => !PortalAuthentication.IsMachineRequest(context.Request),
            branch => branch.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMustChangePassword();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PortalOptions>>().Value.SamplePortalEnabled)
        {
            // The engine reads the sample portal over HTTP like any ArcGIS portal, without the portal's sign-in, from this
            // machine; anyone else needs a portal sign-in (or the sample's own tokens): see SamplePortalAccessRequirement.
            app.MapSamplePortal(SamplePortalAddress.MountPath).RequireAuthorization(PortalPolicies.SamplePortal);
        }
        app.MapAccountEndpoints();
        app.MapPortalApi();
        app.MapOpenApi();
        app.MapHub<JobsHub>(JobsHub.Path);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
