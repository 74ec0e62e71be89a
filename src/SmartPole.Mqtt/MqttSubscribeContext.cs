namespace SmartPole.Mqtt;

/// <summary>One topic filter a client asks to subscribe to, handed to <see cref="MqttBroker.AuthorizeSubscribeAsync"/>.</summary>
public sealed class MqttSubscribeContext
{
    /// <summary>The subscribing client's identifier.</summary>
    public required string ClientId { get; init; }

    /// <summary>The user name the client connected with; null when it sent none.</summary>
    public required string? Username { get; init; }

    /// <summary>The filter as sent, including any "$share/{group}/" prefix.</summary>
    public required string TopicFilter { get; init; }

    /// <summary>The QoS the client asked for.</summary>
    public required MqttQualityOfService Qos { get; init; }
}
