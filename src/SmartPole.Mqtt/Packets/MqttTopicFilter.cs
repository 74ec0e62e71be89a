namespace SmartPole.Mqtt.Packets;

/// <summary>One topic filter of a SUBSCRIBE with its subscription options (§3.8.3.1).</summary>
internal sealed record MqttTopicFilter(
    string Filter,
    MqttQualityOfService Qos,
    bool NoLocal = false,
    bool RetainAsPublished = false,
    byte RetainHandling = 0);
