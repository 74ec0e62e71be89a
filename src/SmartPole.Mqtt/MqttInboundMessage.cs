namespace SmartPole.Mqtt;

/// <summary>A PUBLISH a client sent to the broker, with who sent it.</summary>
public sealed class MqttInboundMessage
{
    /// <summary>The sending client's identifier.</summary>
    public required string ClientId { get; init; }

    /// <summary>The user name the client connected with; null when it sent none.</summary>
    public required string? Username { get; init; }

    /// <summary>The message as published (topic alias already resolved).</summary>
    public required MqttApplicationMessage Message { get; init; }
}
