namespace SmartPole.Server.Hosting;

/// <summary>The pole actors (configuration section <c>Actors</c>).</summary>
public sealed class ActorsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Actors";

    /// <summary>An actor idle this long is deactivated. Default 15 minutes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Messages a pole's mailbox holds before ingestion waits. Default 256.</summary>
    public int MailboxCapacity { get; set; } = 256;
}
