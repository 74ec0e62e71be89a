namespace SmartPole.Mqtt;

/// <summary>A subscription request with its MQTT 5.0 options (the options are ignored on 3.1.1).</summary>
public sealed record MqttSubscription(string TopicFilter, MqttQualityOfService Qos = MqttQualityOfService.AtLeastOnce)
{
    /// <summary>5.0 No Local: do not receive this client's own publishes. Default false.</summary>
    public bool NoLocal { get; init; }

    /// <summary>5.0 Retain As Published: keep the retain flag on forwarded messages. Default false.</summary>
    public bool RetainAsPublished { get; init; }

    /// <summary>5.0 Retain Handling. Default: send retained messages at subscribe.</summary>
    public MqttRetainHandling RetainHandling { get; init; }

    /// <summary>5.0 Subscription Identifier echoed on matching messages; null (default) = none.</summary>
    public uint? SubscriptionIdentifier { get; init; }
}
