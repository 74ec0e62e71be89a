namespace SmartPole.Mqtt.Packets;

/// <summary>PUBACK, PUBREC, PUBREL or PUBCOMP (§3.4–3.7): a packet identifier and, in 5.0, a reason code.</summary>
internal sealed class AckPacket(MqttPacketType type, ushort packetId, MqttReasonCode reasonCode = MqttReasonCode.Success) : MqttPacket
{
    public override MqttPacketType Type => type;

    public ushort PacketId => packetId;

    public MqttReasonCode ReasonCode => reasonCode;
}
