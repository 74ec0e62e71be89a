namespace SmartPole.Mqtt;

/// <summary>The broker refused the client's CONNECT, or the connection attempt failed.</summary>
public sealed class MqttConnectException : Exception
{
    /// <summary>Creates the exception for a refusal with <paramref name="reasonCode"/>.</summary>
    public MqttConnectException(MqttConnectReasonCode reasonCode, string? reasonString = null)
        : base($"The broker refused the connection: {reasonCode} (0x{(byte)reasonCode:X2}){(reasonString is null ? "" : ": " + reasonString)}")
        => ReasonCode = reasonCode;

    /// <summary>Creates the exception without details.</summary>
    public MqttConnectException()
        : this(MqttConnectReasonCode.UnspecifiedError)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public MqttConnectException(string message)
        : base(message) => ReasonCode = MqttConnectReasonCode.UnspecifiedError;

    /// <summary>Creates the exception with a message and a cause.</summary>
    public MqttConnectException(string message, Exception innerException)
        : base(message, innerException) => ReasonCode = MqttConnectReasonCode.UnspecifiedError;

    /// <summary>Why the broker refused (as a 5.0 reason code; 3.1.1 return codes are mapped).</summary>
    public MqttConnectReasonCode ReasonCode { get; }
}
