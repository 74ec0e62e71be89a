namespace SmartPole.Mqtt.Packets;

/// <summary>AUTH (§3.15, 5.0 only): enhanced authentication exchange.</summary>
internal sealed class AuthPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Auth;

    public MqttReasonCode ReasonCode { get; set; }
}
