namespace SmartPole.Mqtt.Packets;

/// <summary>UNSUBACK (§3.11): in 5.0 one reason code per filter; 3.1.1 carries none.</summary>
internal sealed class UnsubAckPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.UnsubAck;

    public ushort PacketId { get; set; }

    public List<MqttReasonCode> ReasonCodes { get; } = [];
}
