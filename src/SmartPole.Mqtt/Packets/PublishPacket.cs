namespace SmartPole.Mqtt.Packets;

/// <summary>PUBLISH (§3.3). The payload is a copy owned by the packet, so it outlives the receive buffer.</summary>
internal sealed class PublishPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Publish;

    /// <summary>The topic; empty when a v5 sender used a topic alias alone.</summary>
    public string Topic { get; set; } = "";

    public ReadOnlyMemory<byte> Payload { get; set; }

    public MqttQualityOfService Qos { get; set; }

    public bool Retain { get; set; }

    public bool Dup { get; set; }

    public ushort PacketId { get; set; }
}
