namespace SmartPole.Server.Ingest;

/// <summary>The MQTT edge (configuration section <c>Mqtt</c>).</summary>
public sealed class MqttEdgeOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Mqtt";

    /// <summary>Run the embedded broker. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Address the embedded broker binds. Default 0.0.0.0 (every interface), as gateways connect from the field.</summary>
    public string Host { get; set; } = "0.0.0.0";

    /// <summary>Embedded broker TCP port; 0 = any free port (logged and reported by /health/ready). Default 1883.</summary>
    public int Port { get; set; } = 1883;

    /// <summary>
    /// Accept connections without credentials, topics unrestricted. Default: false, except in demo
    /// mode where it is true unless set explicitly.
    /// </summary>
    public bool? AllowAnonymous { get; set; }
}
