namespace SmartPole.Mqtt.Packets;

/// <summary>Converts between PUBLISH packets and <see cref="MqttApplicationMessage"/> (v5 properties included).</summary>
internal static class MqttMessageMapping
{
    public static MqttApplicationMessage ToMessage(PublishPacket packet, string topic)
    {
        var p = packet.Properties;
        var message = new MqttApplicationMessage(topic, packet.Payload, packet.Qos, packet.Retain);
        if (p is null)
        {
            return message;
        }

        return message with
        {
            PayloadIsUtf8 = p.PayloadFormatIndicator == 1,
            MessageExpiryInterval = p.MessageExpiryInterval,
            ContentType = p.ContentType,
            ResponseTopic = p.ResponseTopic,
            CorrelationData = p.CorrelationData,
            UserProperties = (IReadOnlyList<MqttUserProperty>?)p.UserProperties ?? [],
            SubscriptionIdentifiers = (IReadOnlyList<uint>?)p.SubscriptionIdentifiers ?? [],
        };
    }

    /// <summary>The v5 properties a message carries on the wire; null when it carries none.</summary>
    public static MqttProperties? ToProperties(MqttApplicationMessage message, IReadOnlyList<uint>? subscriptionIds = null, uint? expiryOverride = null)
    {
        var expiry = expiryOverride ?? message.MessageExpiryInterval;
        if (!message.PayloadIsUtf8 && expiry is null && message.ContentType is null && message.ResponseTopic is null
            && message.CorrelationData.IsEmpty && message.UserProperties.Count == 0 && (subscriptionIds is null || subscriptionIds.Count == 0))
        {
            return null;
        }

        return new MqttProperties
        {
            PayloadFormatIndicator = message.PayloadIsUtf8 ? (byte)1 : null,
            MessageExpiryInterval = expiry,
            ContentType = message.ContentType,
            ResponseTopic = message.ResponseTopic,
            CorrelationData = message.CorrelationData.IsEmpty ? null : message.CorrelationData.ToArray(),
            UserProperties = message.UserProperties.Count == 0 ? null : [.. message.UserProperties],
            SubscriptionIdentifiers = subscriptionIds is null || subscriptionIds.Count == 0 ? null : [.. subscriptionIds],
        };
    }
}
