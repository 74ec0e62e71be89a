using SmartPole.Mqtt.Packets;

namespace SmartPole.Mqtt.Broker;

/// <summary>One session's subscription to one filter, with its 5.0 options.</summary>
internal sealed class BrokerSubscription(BrokerSession session, MqttTopicFilter request, string filter, string? shareGroup, uint? subscriptionId)
{
    public BrokerSession Session => session;

    /// <summary>The filter as the client sent it (with "$share/group/" when shared): the key for UNSUBSCRIBE.</summary>
    public string RequestedFilter => request.Filter;

    /// <summary>The filter that is matched against topics (without the share prefix).</summary>
    public string Filter => filter;

    public string? ShareGroup => shareGroup;

    public MqttQualityOfService Qos => request.Qos;

    public bool NoLocal => request.NoLocal;

    public bool RetainAsPublished => request.RetainAsPublished;

    public byte RetainHandling => request.RetainHandling;

    public uint? SubscriptionId => subscriptionId;
}
