namespace SmartPole.Server.Hosting;

/// <summary>The live feed to the dashboard (configuration section <c>LiveFeed</c>).</summary>
public sealed class LiveFeedOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "LiveFeed";

    /// <summary>How long changes are gathered before one hub push per city. Default 50 ms.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(50);
}
