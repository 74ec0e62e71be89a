using System.Text.RegularExpressions;
using SmartPole.Mqtt;

namespace SmartPole.Server.Ingest;

/// <summary>
/// How the platform joins an external broker in bridge mode (configuration section <c>Mqtt:Bridge</c>;
/// the broker itself is <see cref="MqttEdgeOptions.ExternalBroker"/>).
/// </summary>
public sealed partial class MqttBridgeOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mqtt:Bridge";

    /// <summary>
    /// MQTT client id of this platform node; each node needs its own. Default <c>smartpole-</c> + the
    /// machine name (a container's host name), lowercase.
    /// </summary>
    public string ClientId { get; set; } = $"smartpole-{Environment.MachineName.ToLowerInvariant()}";

    /// <summary>
    /// Shared-subscription group: when set, the wire contract's topics are subscribed as
    /// <c>$share/{group}/…</c>, so the platform nodes with the same group split the poles' messages
    /// between them (each message goes to one node). Retained status messages are not delivered on shared
    /// subscriptions (MQTT 5.0 §4.8.2). Default empty = every message to this node.
    /// </summary>
    public string SharedGroup { get; set; } = "";

    /// <summary>
    /// MQTT version spoken to the external broker: <c>5</c> (MQTT 5.0) or <c>4</c> (MQTT 3.1.1, for a broker
    /// that predates 5.0). Default 5; Debian's Mosquitto 2.0 and EMQX speak it.
    /// </summary>
    public MqttProtocolVersion ProtocolVersion { get; set; } = MqttProtocolVersion.V500;

    /// <summary>User name at the external broker; overrides one in the broker URL. Default: none (or the URL's).</summary>
    public string? Username { get; set; }

    /// <summary>Password at the external broker; overrides one in the broker URL. Default: none (or the URL's).</summary>
    public string? Password { get; set; }

    /// <summary>
    /// PEM file of the CA that signed the external broker's certificate, for <c>mqtts://</c> with a
    /// private CA. Default empty = the system's trusted roots.
    /// </summary>
    public string CaFile { get; set; } = "";

    /// <summary>
    /// Keep the session at the broker while this node is away (MQTT Clean Session off), so QoS 1 messages
    /// published meanwhile wait there instead of being lost. Default true.
    /// </summary>
    public bool PersistentSession { get; set; } = true;

    /// <summary>Keep-alive period towards the external broker. Default 30 seconds.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First wait before trying the external broker again; it doubles after each failure. Default 1 second.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts to reach the external broker. Default 10 seconds.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a command may wait for the external broker's PUBACK before it is marked failed. Default 5 seconds.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>QoS 1 publishes to the external broker awaiting PUBACK at once. Default 100.</summary>
    public int MaxInflight { get; set; } = 100;

    /// <summary>True when <see cref="ProtocolVersion"/> is one the client speaks.</summary>
    internal bool HasValidProtocolVersion => ProtocolVersion is MqttProtocolVersion.V311 or MqttProtocolVersion.V500;

    /// <summary>True when <see cref="SharedGroup"/> is empty or a valid group name (no '/', '+', '#').</summary>
    internal bool HasValidSharedGroup => SharedGroup.Length == 0 || GroupName().IsMatch(SharedGroup);

    [GeneratedRegex("^[^/+#]+$")]
    private static partial Regex GroupName();
}
