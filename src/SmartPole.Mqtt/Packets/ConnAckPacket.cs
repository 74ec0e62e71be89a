namespace SmartPole.Mqtt.Packets;

/// <summary>CONNACK (§3.2). <see cref="ReasonCode"/> holds the raw byte: a 3.1.1 return code or a 5.0 reason code.</summary>
internal sealed class ConnAckPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.ConnAck;

    public bool SessionPresent { get; set; }

    public byte ReasonCode { get; set; }
}
