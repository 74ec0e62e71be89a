namespace SmartPole.Mqtt.Packets;

/// <summary>DISCONNECT (§3.14); the reason code exists in 5.0 only.</summary>
internal sealed class DisconnectPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Disconnect;

    public MqttReasonCode ReasonCode { get; set; }
}
