using SmartPole.Mqtt;
using SmartPole.Server.Poles;

namespace SmartPole.Server.Ingest;

/// <summary>
/// Publishes platform → pole messages through every MQTT edge that runs: the embedded broker, the bridge to
/// an external broker, or both (a pole may be connected to either). Sent = at least one edge took it.
/// </summary>
/// <remarks>
/// The edges are resolved on first use, not injected: the edges feed the pole actors, and the pole
/// actors publish through this class, so constructor injection would be a cycle.
/// </remarks>
internal sealed class BrokerPublisher(IServiceProvider services) : IPolePublisher
{
    private IMqttEdge[]? _edges;

    public async ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain)
    {
        _edges ??= [.. services.GetServices<IMqttEdge>()];
        var message = new MqttApplicationMessage(topic, payload, MqttQualityOfService.AtLeastOnce, retain);
        IOException? failure = null;
        var running = 0;
        var sent = 0;
        foreach (var edge in _edges)
        {
            if (!edge.IsRunning)
            {
                continue;
            }

            running++;
            try
            {
                await edge.PublishAsync(message);
                sent++;
            }
            catch (IOException e)
            {
                failure = e;
            }
        }

        if (running == 0)
        {
            throw new InvalidOperationException("No MQTT edge runs (Mqtt:Enabled=false and no Mqtt:ExternalBroker): the pole cannot be reached.");
        }

        if (sent == 0)
        {
            throw failure!;
        }
    }
}
