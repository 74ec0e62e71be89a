using SmartPole.Mqtt;
using SmartPole.Server.Poles;

namespace SmartPole.Server.Ingest;

/// <summary>Publishes platform → pole messages through the embedded broker.</summary>
/// <remarks>
/// The edge is resolved on first use, not injected: the edge feeds the pole actors, and the pole
/// actors publish through this class, so constructor injection would be a cycle.
/// </remarks>
internal sealed class BrokerPublisher(IServiceProvider services) : IPolePublisher
{
    private MqttEdgeService? _edge;

    public ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain)
    {
        _edge ??= services.GetRequiredService<MqttEdgeService>();
        var broker = _edge.Broker ?? throw new InvalidOperationException("No MQTT broker runs (Mqtt:Enabled=false): the pole cannot be reached.");
        return broker.PublishAsync(new MqttApplicationMessage(topic, payload, MqttQualityOfService.AtLeastOnce, retain));
    }
}
