namespace SmartPole.Mqtt.Packets;

/// <summary>UNSUBSCRIBE (§3.10).</summary>
internal sealed class UnsubscribePacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Unsubscribe;

    public ushort PacketId { get; set; }

    public List<string> Filters { get; } = [];
}
