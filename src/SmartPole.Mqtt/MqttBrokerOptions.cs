namespace SmartPole.Mqtt;

/// <summary>Settings of the embedded broker (configuration section "Mqtt").</summary>
public sealed class MqttBrokerOptions
{
    /// <summary>Address the TCP listener binds to. Default "0.0.0.0" (every IPv4 interface).</summary>
    public string Host { get; set; } = "0.0.0.0";

    /// <summary>TCP port; 0 picks any free port (read it back from <see cref="MqttBroker.LocalEndPoint"/>). Default 1883.</summary>
    public int Port { get; set; } = 1883;

    /// <summary>Accept clients that send no credentials when no <see cref="MqttBroker.AuthenticateAsync"/> hook decides. Default true.</summary>
    public bool AllowAnonymous { get; set; } = true;

    /// <summary>Largest packet (fixed header included) a client may send; a larger one disconnects it with 0x95. Default 1 MiB.</summary>
    public int MaxPacketSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Longest keep-alive the broker grants. A 5.0 client asking for more (or for none) is told this value as
    /// Server Keep Alive; 3.1.1 has no way to say so, so there the client's own value is enforced. Default 20 minutes.
    /// </summary>
    public TimeSpan MaxKeepAlive { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>
    /// Refuse a 3.1.1 client whose keep-alive is over <see cref="MaxKeepAlive"/> or 0 (none) with CONNACK 0x02
    /// (identifier rejected), as Mosquitto's max_keepalive does for v3 clients, since 3.1.1 cannot tell the client
    /// a shorter value. Default false: 3.1.1 clients keep the keep-alive they asked for.
    /// </summary>
    public bool RefuseV311KeepAliveOverMax { get; set; }

    /// <summary>QoS 1/2 messages held per session while its client is offline or its in-flight window is full; more are dropped. Default 1000.</summary>
    public int MaxQueuedMessagesPerSession { get; set; } = 1000;

    /// <summary>QoS 0 messages queued for one slow connection before further ones to it are dropped. Default 1000.</summary>
    public int MaxOutboundQueuePerConnection { get; set; } = 1000;

    /// <summary>QoS 1/2 messages sent to one client and not yet acknowledged (lowered by a 5.0 client's Receive Maximum). Default 32.</summary>
    public int MaxInflightMessagesPerClient { get; set; } = 32;

    /// <summary>QoS 2 publishes a 5.0 client may have unfinished towards the broker (Receive Maximum). Default 100.</summary>
    public int ReceiveMaximum { get; set; } = 100;

    /// <summary>Topic aliases a 5.0 client may use towards the broker (Topic Alias Maximum). Default 16.</summary>
    public int TopicAliasMaximum { get; set; } = 16;

    /// <summary>Subscriptions one session may hold; a SUBSCRIBE beyond it is refused per filter (0x97). Default 1000.</summary>
    public int MaxSubscriptionsPerClient { get; set; } = 1000;

    /// <summary>
    /// Longest time a session outlives its connection: caps a 5.0 client's Session Expiry Interval (the client is told)
    /// and bounds 3.1.1 persistent sessions, which would otherwise never expire. Default 7 days.
    /// </summary>
    public TimeSpan MaxSessionExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Simultaneous connections; more are refused with Server busy. Default 100,000.</summary>
    public int MaxConnections { get; set; } = 100_000;

    /// <summary>How long a new TCP connection may take to send CONNECT before it is closed. Default 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// File that keeps retained messages and persistent sessions (subscriptions, queued and in-flight QoS 1/2
    /// messages, expiry) across a restart: loaded at start, rewritten atomically every
    /// <see cref="PersistenceInterval"/> when something changed and at stop. A corrupt file is logged, moved aside
    /// and the broker starts empty. Default null: everything lives in memory only.
    /// </summary>
    public string? PersistencePath { get; set; }

    /// <summary>How often the state is written to <see cref="PersistencePath"/> when it changed (a crash loses at most this much). Default 5 seconds.</summary>
    public TimeSpan PersistenceInterval { get; set; } = TimeSpan.FromSeconds(5);
}
