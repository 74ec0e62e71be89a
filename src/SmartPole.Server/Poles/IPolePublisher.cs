namespace SmartPole.Server.Poles;

/// <summary>Sends platform → pole messages (commands, retained config) over whichever MQTT edge runs.</summary>
internal interface IPolePublisher
{
    /// <summary>Publishes at QoS 1. Throws <see cref="InvalidOperationException"/> when no broker runs.</summary>
    ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain);
}
