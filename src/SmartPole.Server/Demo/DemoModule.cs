using SmartPole.Server.Hosting;

namespace SmartPole.Server.Demo;

/// <summary>Registers demo mode (<c>Demo:Enabled</c>).</summary>
internal static class DemoModule
{
    public static IHostApplicationBuilder AddDemo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section)
            .Validate(o => o.Interval >= TimeSpan.FromMilliseconds(100), "Demo:Interval must be at least 100 ms")
            .ValidateOnStart();
        builder.Services.AddHostedService<DemoCityService>();
        return builder;
    }
}
