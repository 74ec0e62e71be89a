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

    /// <summary>
    /// How long after its first unsaved change a pole actor saves its state (write-behind; it also
    /// saves on deactivation and shutdown). A crash loses at most this much. Default 5 seconds.
    /// </summary>
    public TimeSpan SaveDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Where actor state lives under <c>Storage:DataDirectory</c>: <c>sqlite</c> (one table in
    /// <c>actors.db</c>, WAL, group-committed) or <c>files</c> (one file per actor under <c>actors/</c>). Default <c>sqlite</c>.
    /// </summary>
    public string StateStore { get; set; } = "sqlite";
}
