using Microsoft.Extensions.Options;
using SmartPole.Registry;

namespace SmartPole.Server.Tenancy;

/// <summary>The registry, operator access, the broker's credential and ACL hooks, and onboarding.</summary>
internal static class TenancyModule
{
    public static IHostApplicationBuilder AddTenancy(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RegistryOptions>().BindConfiguration(RegistryOptions.SectionName)
            .Validate(o => o.MaxImportBytes > 0, "Registry:MaxImportBytes must be positive")
            .Validate(o => o.HashIterations >= 1 && o.CredentialHashIterations >= 1, "Registry hash iterations must be at least 1")
            .Validate(o => o.MaxFailedLogins >= 1, "Registry:MaxFailedLogins must be at least 1")
            .ValidateOnStart();
        services.AddOptions<TenancyOptions>().BindConfiguration(TenancyOptions.Section);
        services.AddSingleton<TenancyMode>();
        services.AddSingleton<RegistryHost>();
        services.AddHostedService(sp => sp.GetRequiredService<RegistryHost>());
        services.AddSingleton(sp => new LoginRateLimiter(sp.GetRequiredService<IOptions<RegistryOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<BrokerGuard>();
        services.AddSingleton<CityAccess>();
        services.AddSingleton<BridgeGuard>();
        services.AddSingleton<DemoTenant>();
        return builder;
    }

    /// <summary>Operator authentication and city scope; after routing (so the route's <c>{city}</c> is known), before the endpoints.</summary>
    public static IApplicationBuilder UseTenancy(this IApplicationBuilder app) => app.UseMiddleware<TenancyMiddleware>();
}
