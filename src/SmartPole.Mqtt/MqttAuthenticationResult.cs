namespace SmartPole.Mqtt;

/// <summary>What <see cref="MqttBroker.EnhancedAuthenticateAsync"/> decides for one step of an exchange.</summary>
public sealed class MqttAuthenticationResult
{
    private MqttAuthenticationResult(bool isComplete, MqttConnectReasonCode reasonCode, ReadOnlyMemory<byte> data)
    {
        IsComplete = isComplete;
        ReasonCode = reasonCode;
        Data = data;
    }

    /// <summary>False when the broker is to send AUTH 0x18 with <see cref="Data"/> and wait for the client's answer.</summary>
    public bool IsComplete { get; }

    /// <summary>Success, or why the client is refused (CONNACK, or DISCONNECT when re-authenticating).</summary>
    public MqttConnectReasonCode ReasonCode { get; }

    /// <summary>Authentication Data for the client (challenge, or the server's final proof); empty = none.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Send the client <paramref name="challenge"/> (AUTH 0x18) and continue with its answer.</summary>
    public static MqttAuthenticationResult Continue(ReadOnlyMemory<byte> challenge) => new(false, MqttConnectReasonCode.Success, challenge);

    /// <summary>The client is authenticated; <paramref name="data"/> goes to it with CONNACK (or AUTH 0x00).</summary>
    public static MqttAuthenticationResult Succeed(ReadOnlyMemory<byte> data = default) => new(true, MqttConnectReasonCode.Success, data);

    /// <summary>
    /// The client is refused with <paramref name="reason"/>: <see cref="MqttConnectReasonCode.BadAuthenticationMethod"/> for a
    /// method the hook does not know, <see cref="MqttConnectReasonCode.NotAuthorized"/> for a failed proof.
    /// </summary>
    public static MqttAuthenticationResult Refuse(MqttConnectReasonCode reason) =>
        reason == MqttConnectReasonCode.Success
            ? throw new ArgumentOutOfRangeException(nameof(reason), reason, "A refusal needs a failure reason code.")
            : new(true, reason, default);
}
