namespace SmartPole.Mqtt.Formatter;

/// <summary>
/// The topic names a connection published lately, as the bytes they came in and the checked string. A
/// pole gateway publishes on the same few topics over and over: a hit skips the UTF-8 and topic-name
/// checks and the string allocation. Round-robin replacement keeps it small and bounded; a connection
/// that never publishes never creates one.
/// </summary>
internal sealed class MqttTopicCache
{
    /// <summary>Topics remembered per connection.</summary>
    public const int Capacity = 16;

    private readonly byte[][] _utf8 = new byte[Capacity][];
    private readonly string[] _topics = new string[Capacity];
    private int _count;
    private int _next;

    /// <summary>The remembered topic whose bytes are <paramref name="utf8"/>, if any.</summary>
    public bool TryGet(ReadOnlySpan<byte> utf8, out string topic)
    {
        for (var i = 0; i < _count; i++)
        {
            var known = _utf8[i];
            if (known.Length == utf8.Length && utf8.SequenceEqual(known))
            {
                topic = _topics[i];
                return true;
            }
        }

        topic = "";
        return false;
    }

    /// <summary>Remembers <paramref name="topic"/>, a topic name that passed every check, in place of the oldest.</summary>
    public void Add(string topic)
    {
        _utf8[_next] = System.Text.Encoding.UTF8.GetBytes(topic);
        _topics[_next] = topic;
        _next = (_next + 1) % Capacity;
        _count = Math.Max(_count, _next == 0 ? Capacity : _next);
    }
}
