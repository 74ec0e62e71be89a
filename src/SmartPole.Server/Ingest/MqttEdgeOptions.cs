namespace SmartPole.Server.Ingest;

/// <summary>The MQTT edge (configuration section <c>Mqtt</c>).</summary>
public sealed class MqttEdgeOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mqtt";

    /// <summary>
    /// Run the embedded broker. Default: true, except in bridge mode (<see cref="ExternalBroker"/> set), where
    /// it is false unless set explicitly; <c>true</c> then runs both, and poles may connect to either.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>Address the embedded broker binds. Default 0.0.0.0 (every interface), as gateways connect from the field.</summary>
    public string Host { get; set; } = "0.0.0.0";

    /// <summary>Embedded broker TCP port; 0 = any free port (logged and reported by /health/ready). Default 1883.</summary>
    public int Port { get; set; } = 1883;

    /// <summary>
    /// Accept connections without credentials, topics unrestricted. Default: false, except in demo
    /// mode where it is true unless set explicitly.
    /// </summary>
    public bool? AllowAnonymous { get; set; }

    /// <summary>
    /// Bridge mode: the external broker (Mosquitto, EMQX, …) the platform joins as a client, as
    /// <c>mqtt://host:port</c>, or <c>mqtts://host:port</c> for TLS; <c>user:password@</c> may carry the
    /// credentials. The finer settings are in <see cref="MqttBridgeOptions"/> (<c>Mqtt:Bridge</c>). Default empty = no bridge.
    /// </summary>
    public string ExternalBroker { get; set; } = "";

    /// <summary>True when <see cref="ExternalBroker"/> is set.</summary>
    internal bool BridgeMode => !string.IsNullOrWhiteSpace(ExternalBroker);

    /// <summary>Whether the embedded broker runs, after the defaults above.</summary>
    internal bool EmbeddedBroker => Enabled ?? !BridgeMode;
}
