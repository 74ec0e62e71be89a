namespace SmartPole.Mqtt;

/// <summary>
/// The peer broke the MQTT protocol: the bytes were malformed or a rule was violated. Carries the
/// offending value and the reason code the peer is to be told before the connection is closed.
/// </summary>
public sealed class MqttProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MqttProtocolException(string message, MqttReasonCode reasonCode = MqttReasonCode.MalformedPacket, object? badValue = null)
        : base(badValue is null ? message : $"{message} (value: {badValue})")
    {
        ReasonCode = reasonCode;
        BadValue = badValue;
    }

    /// <summary>Creates the exception without details.</summary>
    public MqttProtocolException()
        : this("MQTT protocol violation")
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public MqttProtocolException(string message, Exception innerException)
        : base(message, innerException) => ReasonCode = MqttReasonCode.MalformedPacket;

    /// <summary>The reason code to send the peer (MQTT 5.0 DISCONNECT / CONNACK).</summary>
    public MqttReasonCode ReasonCode { get; }

    /// <summary>The value that broke the rule, when there is one.</summary>
    public object? BadValue { get; }
}
