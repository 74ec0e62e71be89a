using SmartPole.Mqtt.Packets;

namespace SmartPole.Mqtt.Broker;

/// <summary>
/// Topic aliases the broker gives a 5.0 client (§3.3.2.3.4), up to the Topic Alias Maximum the client
/// announced. A topic seen before goes out as its alias alone; a new one takes the next slot in turn
/// (replacing the topic it held) and travels with its alias once. Used by the connection's single writer,
/// in the order packets reach the wire, because the client learns the mapping in that order.
/// </summary>
internal sealed class OutgoingTopicAliases(ushort maximum)
{
    private readonly Dictionary<string, ushort> _aliases = new(StringComparer.Ordinal);
    private readonly string?[] _topics = new string?[maximum + 1];
    private ushort _lastAssigned;

    /// <summary>Rewrites <paramref name="publish"/> to use an alias; returns the alias newly bound to its topic, or 0.</summary>
    public ushort Apply(PublishPacket publish)
    {
        var properties = publish.Properties ??= new MqttProperties();
        if (_aliases.TryGetValue(publish.Topic, out var known))
        {
            properties.TopicAlias = known;
            publish.Topic = "";
            return 0;
        }

        var alias = _lastAssigned = (ushort)(_lastAssigned % maximum + 1);
        if (_topics[alias] is { } replaced)
        {
            _aliases.Remove(replaced);
        }

        _topics[alias] = publish.Topic;
        _aliases[publish.Topic] = alias;
        properties.TopicAlias = alias;
        return alias;
    }

    /// <summary>The packet that would have taught the client <paramref name="alias"/> was not sent: forget the binding.</summary>
    public void Forget(ushort alias)
    {
        if (_topics[alias] is { } topic)
        {
            _aliases.Remove(topic);
            _topics[alias] = null;
        }
    }
}
