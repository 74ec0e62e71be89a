namespace SmartPole.Mqtt;

/// <summary>
/// The answer to CONNECT, as MQTT 5.0 CONNACK reason codes (§3.2.2.2). On a 3.1.1 connection the
/// broker maps them onto the six 3.1.1 return codes.
/// </summary>
public enum MqttConnectReasonCode : byte
{
    /// <summary>0x00 Success.</summary>
    Success = 0x00,

    /// <summary>0x80 Unspecified error.</summary>
    UnspecifiedError = 0x80,

    /// <summary>0x81 Malformed Packet.</summary>
    MalformedPacket = 0x81,

    /// <summary>0x82 Protocol Error.</summary>
    ProtocolError = 0x82,

    /// <summary>0x83 Implementation specific error.</summary>
    ImplementationSpecificError = 0x83,

    /// <summary>0x84 Unsupported Protocol Version (3.1.1: 0x01).</summary>
    UnsupportedProtocolVersion = 0x84,

    /// <summary>0x85 Client Identifier not valid (3.1.1: 0x02).</summary>
    ClientIdentifierNotValid = 0x85,

    /// <summary>0x86 Bad User Name or Password (3.1.1: 0x04).</summary>
    BadUserNameOrPassword = 0x86,

    /// <summary>0x87 Not authorized (3.1.1: 0x05).</summary>
    NotAuthorized = 0x87,

    /// <summary>0x88 Server unavailable (3.1.1: 0x03).</summary>
    ServerUnavailable = 0x88,

    /// <summary>0x89 Server busy (3.1.1: 0x03).</summary>
    ServerBusy = 0x89,

    /// <summary>0x8A Banned (3.1.1: 0x05).</summary>
    Banned = 0x8A,

    /// <summary>0x8C Bad authentication method (3.1.1: 0x05).</summary>
    BadAuthenticationMethod = 0x8C,

    /// <summary>0x90 Topic Name invalid (the will topic).</summary>
    TopicNameInvalid = 0x90,

    /// <summary>0x95 Packet too large.</summary>
    PacketTooLarge = 0x95,

    /// <summary>0x97 Quota exceeded.</summary>
    QuotaExceeded = 0x97,

    /// <summary>0x99 Payload format invalid.</summary>
    PayloadFormatInvalid = 0x99,

    /// <summary>0x9A Retain not supported.</summary>
    RetainNotSupported = 0x9A,

    /// <summary>0x9B QoS not supported.</summary>
    QosNotSupported = 0x9B,

    /// <summary>0x9C Use another server.</summary>
    UseAnotherServer = 0x9C,

    /// <summary>0x9D Server moved.</summary>
    ServerMoved = 0x9D,

    /// <summary>0x9F Connection rate exceeded.</summary>
    ConnectionRateExceeded = 0x9F,
}
