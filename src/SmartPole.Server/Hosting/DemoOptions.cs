namespace SmartPole.Server.Hosting;

/// <summary>The demo city (configuration section <c>Demo</c>).</summary>
public sealed class DemoOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Demo";

    /// <summary>Seed the demo city and run its simulated poles in-process. Default false; appsettings.json turns it on for the README's run command.</summary>
    public bool Enabled { get; set; }

    /// <summary>How often each simulated pole reports. Default 5 s.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Seed of the simulated poles' models. Default 1.</summary>
    public int Seed { get; set; } = 1;
}
