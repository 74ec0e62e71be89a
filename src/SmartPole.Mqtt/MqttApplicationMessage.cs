namespace SmartPole.Mqtt;

/// <summary>
/// An application message as published: topic, payload, QoS and retain flag, plus the optional
/// MQTT 5.0 properties that travel with it end to end (ignored on 3.1.1 connections).
/// </summary>
public sealed record MqttApplicationMessage(
    string Topic,
    ReadOnlyMemory<byte> Payload,
    MqttQualityOfService Qos = MqttQualityOfService.AtMostOnce,
    bool Retain = false)
{
    /// <summary>v5 Payload Format Indicator: true when the payload is UTF-8 text. Default false.</summary>
    public bool PayloadIsUtf8 { get; init; }

    /// <summary>v5 Message Expiry Interval in seconds; null (default) = never expires.</summary>
    public uint? MessageExpiryInterval { get; init; }

    /// <summary>v5 Content Type (a MIME type by convention); null by default.</summary>
    public string? ContentType { get; init; }

    /// <summary>v5 Response Topic for request/response; null by default.</summary>
    public string? ResponseTopic { get; init; }

    /// <summary>v5 Correlation Data for request/response; empty by default.</summary>
    public ReadOnlyMemory<byte> CorrelationData { get; init; }

    /// <summary>v5 user properties, in order; empty by default.</summary>
    public IReadOnlyList<MqttUserProperty> UserProperties { get; init; } = [];

    /// <summary>v5 Subscription Identifiers of the subscriptions that matched (set on delivery only); empty by default.</summary>
    public IReadOnlyList<uint> SubscriptionIdentifiers { get; init; } = [];
}
