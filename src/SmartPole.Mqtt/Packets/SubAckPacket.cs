namespace SmartPole.Mqtt.Packets;

/// <summary>SUBACK (§3.9): one reason code per filter (granted QoS or a failure ≥ 0x80).</summary>
internal sealed class SubAckPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.SubAck;

    public ushort PacketId { get; set; }

    public List<MqttReasonCode> ReasonCodes { get; } = [];
}
