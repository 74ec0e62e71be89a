namespace SmartPole.Mqtt;

/// <summary>The broker answered a publish, subscribe or unsubscribe with a failure reason code.</summary>
public sealed class MqttRefusedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MqttRefusedException(string message, MqttReasonCode reasonCode)
        : base($"{message}: {reasonCode} (0x{(byte)reasonCode:X2})") => ReasonCode = reasonCode;

    /// <summary>Creates the exception without details.</summary>
    public MqttRefusedException()
        : this("The broker refused", MqttReasonCode.UnspecifiedError)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public MqttRefusedException(string message)
        : this(message, MqttReasonCode.UnspecifiedError)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public MqttRefusedException(string message, Exception innerException)
        : base(message, innerException) => ReasonCode = MqttReasonCode.UnspecifiedError;

    /// <summary>The reason code the broker sent (3.1.1 SUBACK failure = 0x80).</summary>
    public MqttReasonCode ReasonCode { get; }
}
