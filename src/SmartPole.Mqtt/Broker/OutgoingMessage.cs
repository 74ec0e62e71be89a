namespace SmartPole.Mqtt.Broker;

/// <summary>
/// A message on its way to one session: the shared application message plus what is particular to
/// this delivery (granted QoS, retain flag, matching subscription ids, when it was queued).
/// </summary>
internal sealed record OutgoingMessage(
    MqttApplicationMessage Message,
    MqttQualityOfService Qos,
    bool Retain,
    IReadOnlyList<uint>? SubscriptionIds,
    long QueuedAt);
