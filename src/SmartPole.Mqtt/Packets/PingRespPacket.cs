namespace SmartPole.Mqtt.Packets;

/// <summary>PINGRESP (§3.13); it carries nothing, so one instance serves everyone.</summary>
internal sealed class PingRespPacket : MqttPacket
{
    public static readonly PingRespPacket Instance = new();

    public override MqttPacketType Type => MqttPacketType.PingResp;
}
