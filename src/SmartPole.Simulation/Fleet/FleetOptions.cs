using SmartPole.Mqtt;

namespace SmartPole.Simulation;

/// <summary>How a <see cref="FleetRunner"/> drives its poles.</summary>
public sealed class FleetOptions
{
    /// <summary>The broker, <c>mqtt://host:port</c>. Default <c>mqtt://localhost:1883</c>.</summary>
    public Uri Broker { get; set; } = new("mqtt://localhost:1883");

    /// <summary>How often each pole publishes a frame. Default 10 s; zero = as fast as the broker (and <see cref="Rate"/>) allow.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to run; null (default) = until the run is cancelled.</summary>
    public TimeSpan? Duration { get; set; }

    /// <summary>QoS of telemetry publishes: 0 or 1. Default 0 (at most once).</summary>
    public MqttQualityOfService Qos { get; set; } = MqttQualityOfService.AtMostOnce;

    /// <summary>Seed of the device models: the same seed gives the same values. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Poles carried by one MQTT connection. Default 1 (one gateway per pole); more = district-gateway mode.</summary>
    public int PolesPerConnection { get; set; } = 1;

    /// <summary>Cap on the whole fleet's frames per second; null (default) = no cap.</summary>
    public double? Rate { get; set; }

    /// <summary>User name for every connection without its own credential; null (default) = anonymous.</summary>
    public string? Username { get; set; }

    /// <summary>Password that goes with <see cref="Username"/>; null by default.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// Per-pole credentials by pole id; a connection uses the credential of its first pole and falls
    /// back to <see cref="Username"/>/<see cref="Password"/>. Empty by default.
    /// </summary>
    public IReadOnlyDictionary<string, FleetCredential> Credentials { get; set; } = new Dictionary<string, FleetCredential>();

    /// <summary>Simulated seconds per real second for the device models (frames keep real timestamps). Default 1.</summary>
    public double ClockSpeed { get; set; } = 1;

    /// <summary>Simulated time at start when <see cref="ClockSpeed"/> is used; null (default) = now.</summary>
    public DateTimeOffset? SimulatedStart { get; set; }

    /// <summary>Subscribe to each pole's <c>cmd/#</c> and <c>config</c>, apply them to the models and ack commands. Default true.</summary>
    public bool HandleCommands { get; set; } = true;

    /// <summary>
    /// How many poles may be connecting at once (spares the broker's accept queue): a connection opens
    /// only when its poles' subscriptions and statuses fit, and at least 4 connections open at once. Default 64.
    /// </summary>
    public int MaxConcurrentConnects { get; set; } = 64;

    /// <summary>How long to wait for outstanding QoS 1 acks after the run stops. Default 30 s.</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Keep-alive of every connection. Default 60 s.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Faults drawn at random (see <see cref="FaultRate"/>); empty (default) = none. <see cref="FleetRunner.InjectFaultAsync"/> works either way.</summary>
    public IReadOnlyList<FaultKind> Faults { get; set; } = [];

    /// <summary>Expected faults per pole per simulated hour, each kind drawn among <see cref="Faults"/> the pole can suffer. Default 0.01.</summary>
    public double FaultRate { get; set; } = 0.01;

    /// <summary>How long a fault lasts in simulated time before it clears (a dropped gateway reconnects then). Default 10 minutes.</summary>
    public TimeSpan FaultDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Probability (0..1) that a command fails: it is not applied and the ack says <c>{"ok":false}</c>. Default 0.</summary>
    public double AckFailureRate { get; set; }

    /// <summary>Mean time a pole takes to apply a command and ack it; each delay is drawn from ½..1½ of it. Default zero.</summary>
    public TimeSpan AckLatency { get; set; }

    /// <summary>First wait before reconnecting after a lost connection; it doubles after each failed try. Default 250 ms.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait between reconnect tries. Default 10 s.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Broker);
        if (Interval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Interval), Interval, "Interval must not be negative.");
        }

        if (Duration is { } duration && duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Duration), duration, "Duration must be positive (or null to run until cancelled).");
        }

        if (Qos is not (MqttQualityOfService.AtMostOnce or MqttQualityOfService.AtLeastOnce))
        {
            throw new ArgumentOutOfRangeException(nameof(Qos), Qos, "Telemetry is published at QoS 0 or 1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(PolesPerConnection, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentConnects, 1);
        if (Rate is { } rate && !(rate > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Rate), rate, "Rate must be a positive number of frames per second.");
        }

        if (!(ClockSpeed > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(ClockSpeed), ClockSpeed, "ClockSpeed must be positive.");
        }

        ArgumentNullException.ThrowIfNull(Faults);
        if (!(FaultRate >= 0) || double.IsInfinity(FaultRate))
        {
            throw new ArgumentOutOfRangeException(nameof(FaultRate), FaultRate, "FaultRate must be a finite number of faults per pole per hour, 0 or more.");
        }

        if (FaultDuration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(FaultDuration), FaultDuration, "FaultDuration must be positive.");
        }

        if (!(AckFailureRate is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(AckFailureRate), AckFailureRate, "AckFailureRate is a probability between 0 and 1.");
        }

        if (AckLatency < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(AckLatency), AckLatency, "AckLatency must not be negative.");
        }

        if (ReconnectDelay <= TimeSpan.Zero || MaxReconnectDelay < ReconnectDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(ReconnectDelay), ReconnectDelay, "ReconnectDelay must be positive and at most MaxReconnectDelay.");
        }
    }
}
