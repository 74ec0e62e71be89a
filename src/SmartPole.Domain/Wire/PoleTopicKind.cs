namespace SmartPole.Domain.Wire;

/// <summary>What a topic of the wire contract carries.</summary>
public enum PoleTopicKind
{
    /// <summary><c>sp/{city}/{pole}/telemetry</c>: a TelemetryFrame.</summary>
    Telemetry,

    /// <summary><c>sp/{city}/{pole}/events</c>: a device event.</summary>
    Events,

    /// <summary><c>sp/{city}/{pole}/status</c>: online/offline (retained; the gateway's will).</summary>
    Status,

    /// <summary><c>sp/{city}/{pole}/cmd/{commandId}</c>: a command to the pole.</summary>
    Command,

    /// <summary><c>sp/{city}/{pole}/cmd/{commandId}/ack</c>: the pole's answer to a command.</summary>
    CommandAck,

    /// <summary><c>sp/{city}/{pole}/config</c>: desired configuration (retained).</summary>
    Config,
}
