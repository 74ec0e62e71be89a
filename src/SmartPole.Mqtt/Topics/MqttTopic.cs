namespace SmartPole.Mqtt.Topics;

/// <summary>Topic name and topic filter rules (MQTT 5.0 §4.7).</summary>
internal static class MqttTopic
{
    /// <summary>A topic name is non-empty and holds no wildcard (§4.7.3, [MQTT-3.3.2-2]).</summary>
    public static bool IsValidName(string topic) =>
        topic.Length > 0 && topic.AsSpan().IndexOfAny('+', '#') < 0;

    /// <summary>Throws <see cref="MqttProtocolException"/> (Topic Name invalid) when <paramref name="topic"/> breaks the rules.</summary>
    public static void ValidateName(string topic)
    {
        if (!IsValidName(topic))
        {
            throw new MqttProtocolException("Invalid topic name", MqttReasonCode.TopicNameInvalid, topic);
        }
    }

    /// <summary>
    /// A filter is non-empty; '+' fills a whole level; '#' fills the last level only (§4.7.1).
    /// A shared filter ($share/group/filter) needs a non-empty group without wildcards (§4.8.2).
    /// </summary>
    public static bool IsValidFilter(string filter)
    {
        if (filter.Length == 0)
        {
            return false;
        }

        if (TryParseShared(filter, out var group, out var inner))
        {
            if (group.Length == 0 || group.AsSpan().IndexOfAny('+', '#') >= 0 || inner.Length == 0)
            {
                return false;
            }

            filter = inner;
        }

        for (var i = 0; i < filter.Length; i++)
        {
            var c = filter[i];
            if (c == '+')
            {
                if ((i > 0 && filter[i - 1] != '/') || (i + 1 < filter.Length && filter[i + 1] != '/'))
                {
                    return false;
                }
            }
            else if (c == '#')
            {
                if (i != filter.Length - 1 || (i > 0 && filter[i - 1] != '/'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Splits "$share/{group}/{filter}"; false when <paramref name="filter"/> is not shared.</summary>
    public static bool TryParseShared(string filter, out string group, out string inner)
    {
        const string Prefix = "$share/";
        group = "";
        inner = filter;
        if (!filter.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var slash = filter.IndexOf('/', Prefix.Length);
        if (slash < 0)
        {
            group = filter[Prefix.Length..];
            inner = "";
            return true;
        }

        group = filter[Prefix.Length..slash];
        inner = filter[(slash + 1)..];
        return true;
    }

    /// <summary>
    /// Whether <paramref name="topic"/> matches <paramref name="filter"/> (both valid). '#' also
    /// matches the parent level; a leading wildcard never matches a '$' topic (§4.7.2).
    /// </summary>
    public static bool Matches(string filter, string topic)
    {
        if (topic.Length > 0 && topic[0] == '$' && filter.Length > 0 && (filter[0] == '+' || filter[0] == '#'))
        {
            return false;
        }

        var f = 0;
        var t = 0;
        while (true)
        {
            if (f < filter.Length && filter[f] == '#')
            {
                return true;
            }

            var fEnd = filter.IndexOf('/', f);
            var tEnd = topic.IndexOf('/', t);
            var fLevel = fEnd < 0 ? filter.AsSpan(f) : filter.AsSpan(f, fEnd - f);
            var tLevel = tEnd < 0 ? topic.AsSpan(t) : topic.AsSpan(t, tEnd - t);
            if (!(fLevel is "+" || fLevel.SequenceEqual(tLevel)))
            {
                return false;
            }

            if (fEnd < 0 || tEnd < 0)
            {
                // "a/#" matches "a": the filter's next level is '#' and the topic has ended.
                return fEnd < 0 && tEnd < 0 || (tEnd < 0 && filter.AsSpan(fEnd) is "/#");
            }

            f = fEnd + 1;
            t = tEnd + 1;
        }
    }
}
