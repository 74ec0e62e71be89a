namespace SmartPole.Mqtt.Packets;

/// <summary>CONNECT (§3.1). Will properties (v5) sit in <see cref="WillProperties"/>.</summary>
internal sealed class ConnectPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Connect;

    public MqttProtocolVersion ProtocolVersion { get; set; } = MqttProtocolVersion.V311;

    public string ClientId { get; set; } = "";

    /// <summary>3.1.1 Clean Session / 5.0 Clean Start.</summary>
    public bool CleanSession { get; set; } = true;

    public ushort KeepAliveSeconds { get; set; }

    public string? Username { get; set; }

    public byte[]? Password { get; set; }

    public string? WillTopic { get; set; }

    public byte[]? WillPayload { get; set; }

    public MqttQualityOfService WillQos { get; set; }

    public bool WillRetain { get; set; }

    public MqttProperties? WillProperties { get; set; }
}
