using System.Net;

namespace SmartPole.Mqtt;

/// <summary>
/// One step of a 5.0 enhanced authentication exchange (§4.12), handed to <see cref="MqttBroker.EnhancedAuthenticateAsync"/>:
/// the CONNECT that named an Authentication Method, then every AUTH the client answers with, and again for a
/// re-authentication (AUTH 0x19) on a live connection. The same instance is passed for every step of one exchange.
/// </summary>
public sealed class MqttAuthenticationExchange
{
    /// <summary>Client identifier (possibly assigned by the broker).</summary>
    public required string ClientId { get; init; }

    /// <summary>User name from CONNECT, or null.</summary>
    public string? Username { get; init; }

    /// <summary>The Authentication Method the client named (e.g. "SCRAM-SHA-256").</summary>
    public required string Method { get; init; }

    /// <summary>The client's address, when the transport knows it.</summary>
    public EndPoint? RemoteEndPoint { get; init; }

    /// <summary>True when the client re-authenticates a connection that is already accepted.</summary>
    public bool Reauthenticating { get; init; }

    /// <summary>0 for the packet that opened the exchange (CONNECT or AUTH 0x19), then 1, 2, … for each AUTH 0x18.</summary>
    public int Step { get; internal set; }

    /// <summary>The Authentication Data the client sent in this step; empty when it sent none.</summary>
    public ReadOnlyMemory<byte> Data { get; internal set; }

    /// <summary>Whatever the hook keeps between steps (e.g. a nonce); null at step 0 of a new exchange.</summary>
    public object? State { get; set; }
}
