namespace SmartPole.Mqtt.Packets;

/// <summary>SUBSCRIBE (§3.8).</summary>
internal sealed class SubscribePacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Subscribe;

    public ushort PacketId { get; set; }

    public List<MqttTopicFilter> Filters { get; } = [];
}
