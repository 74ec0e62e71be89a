namespace SmartPole.Mqtt.Packets;

/// <summary>PINGREQ (§3.12); it carries nothing, so one instance serves everyone.</summary>
internal sealed class PingReqPacket : MqttPacket
{
    public static readonly PingReqPacket Instance = new();

    public override MqttPacketType Type => MqttPacketType.PingReq;
}
