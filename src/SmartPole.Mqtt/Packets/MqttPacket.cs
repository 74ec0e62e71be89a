namespace SmartPole.Mqtt.Packets;

/// <summary>A decoded MQTT control packet. Properties are null on 3.1.1 and when a 5.0 packet carried none.</summary>
internal abstract class MqttPacket
{
    public abstract MqttPacketType Type { get; }

    public MqttProperties? Properties { get; set; }
}
