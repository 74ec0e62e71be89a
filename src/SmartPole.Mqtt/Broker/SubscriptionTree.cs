namespace SmartPole.Mqtt.Broker;

/// <summary>
/// Subscriptions indexed by topic level, so matching a topic walks only the branches that can
/// match ('+' and '#' children included) instead of testing every subscription.
/// </summary>
internal sealed class SubscriptionTree : IDisposable
{
    private readonly Node _root = new();
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);

    public void Add(BrokerSubscription subscription)
    {
        _lock.EnterWriteLock();
        try
        {
            var node = _root;
            foreach (var level in subscription.Filter.Split('/'))
            {
                node.Children ??= new Dictionary<string, Node>(StringComparer.Ordinal);
                if (!node.Children.TryGetValue(level, out var child))
                {
                    child = new Node();
                    node.Children.Add(level, child);
                }

                node = child;
            }

            (node.Subscriptions ??= []).Add(subscription);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public void Remove(BrokerSubscription subscription)
    {
        _lock.EnterWriteLock();
        try
        {
            var path = new List<(Node Parent, string Level)>();
            var node = _root;
            foreach (var level in subscription.Filter.Split('/'))
            {
                if (node.Children is null || !node.Children.TryGetValue(level, out var child))
                {
                    return;
                }

                path.Add((node, level));
                node = child;
            }

            node.Subscriptions?.Remove(subscription);

            // Prune empty branches so a churn of unique filters does not grow the tree forever.
            for (var i = path.Count - 1; i >= 0; i--)
            {
                var (parent, level) = path[i];
                var child = parent.Children![level];
                if (child.Subscriptions is { Count: > 0 } || child.Children is { Count: > 0 })
                {
                    break;
                }

                parent.Children.Remove(level);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Adds every subscription whose filter matches <paramref name="topic"/> to <paramref name="matches"/>.</summary>
    public void Match(string topic, List<BrokerSubscription> matches)
    {
        _lock.EnterReadLock();
        try
        {
            // The topic's levels are walked as spans: routing a message allocates no level strings.
            Match(_root, topic, 0, matches, dollarTopic: topic.StartsWith('$'));
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public void Dispose() => _lock.Dispose();

    /// <summary>Matches the level of <paramref name="topic"/> that starts at <paramref name="start"/> (its length: past the last level).</summary>
    private static void Match(Node node, string topic, int start, List<BrokerSubscription> matches, bool dollarTopic)
    {
        if (node.Children is not { } children)
        {
            return;
        }

        // §4.7.2: a filter starting with a wildcard does not match a topic starting with '$'.
        var wildcardsAllowed = !(dollarTopic && start == 0);
        if (wildcardsAllowed && children.TryGetValue("#", out var hash))
        {
            AddAll(hash, matches);
        }

        if (start > topic.Length)
        {
            return;
        }

        var slash = topic.IndexOf('/', start);
        var last = slash < 0;
        var end = last ? topic.Length : slash;
        if (children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(topic.AsSpan(start, end - start), out var exact))
        {
            Descend(exact, topic, end + 1, matches, dollarTopic, last);
        }

        if (wildcardsAllowed && children.TryGetValue("+", out var plus))
        {
            Descend(plus, topic, end + 1, matches, dollarTopic, last);
        }
    }

    private static void Descend(Node child, string topic, int next, List<BrokerSubscription> matches, bool dollarTopic, bool last)
    {
        if (last)
        {
            AddAll(child, matches);

            // "a/#" also matches "a" (§4.7.1.2).
            if (child.Children is not null && child.Children.TryGetValue("#", out var parentHash))
            {
                AddAll(parentHash, matches);
            }

            return;
        }

        Match(child, topic, next, matches, dollarTopic);
    }

    private static void AddAll(Node node, List<BrokerSubscription> matches)
    {
        if (node.Subscriptions is not null)
        {
            matches.AddRange(node.Subscriptions);
        }
    }

    private sealed class Node
    {
        public Dictionary<string, Node>? Children { get; set; }

        public List<BrokerSubscription>? Subscriptions { get; set; }
    }
}
