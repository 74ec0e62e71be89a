using System.Net;

namespace SmartPole.Mqtt;

/// <summary>What a client presented in CONNECT, handed to <see cref="MqttBroker.AuthenticateAsync"/>.</summary>
public sealed class MqttConnectContext
{
    /// <summary>Client identifier (possibly assigned by the broker when the client sent an empty one).</summary>
    public required string ClientId { get; init; }

    /// <summary>User name, or null when the client sent none.</summary>
    public required string? Username { get; init; }

    /// <summary>Password bytes; empty when the client sent none.</summary>
    public required ReadOnlyMemory<byte> Password { get; init; }

    /// <summary>Protocol version the client speaks.</summary>
    public required MqttProtocolVersion ProtocolVersion { get; init; }

    /// <summary>The client's address, when the transport knows it.</summary>
    public EndPoint? RemoteEndPoint { get; init; }

    /// <summary>Whether the client asked for a clean session / clean start.</summary>
    public required bool CleanSession { get; init; }

    /// <summary>5.0 user properties of the CONNECT; empty on 3.1.1.</summary>
    public IReadOnlyList<MqttUserProperty> UserProperties { get; init; } = [];
}
