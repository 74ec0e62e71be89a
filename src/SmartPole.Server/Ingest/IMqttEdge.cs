using SmartPole.Mqtt;

namespace SmartPole.Server.Ingest;

/// <summary>
/// One way the platform meets its poles over MQTT: the embedded broker (<see cref="MqttEdgeService"/>) or
/// the bridge to an external broker (<see cref="MqttBridgeService"/>). Both feed the same
/// <see cref="TelemetryIngestor"/>; <see cref="BrokerPublisher"/> sends platform → pole messages through
/// every edge that runs.
/// </summary>
internal interface IMqttEdge
{
    /// <summary>True when this edge is configured and started.</summary>
    bool IsRunning { get; }

    /// <summary>
    /// Publishes one platform → pole message (QoS 1). Throws <see cref="IOException"/> when the edge cannot
    /// take it now (e.g. the external broker is unreachable).
    /// </summary>
    ValueTask PublishAsync(MqttApplicationMessage message);
}
