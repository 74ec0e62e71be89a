using System.Collections.Concurrent;
using SmartPole.Actors;

namespace SmartPole.Server.Poles;

/// <summary>
/// Poles whose state changed since their last snapshot went to the live feed. A pole actor marks
/// itself once per burst of changes (a flag it owns, so a key is queued at most once); at each flush
/// the live feed asks every marked actor for one snapshot, built in the actor's own turn. A pole that
/// took twenty frames between two flushes builds one snapshot, not twenty: latest value wins, and the
/// change reaches dashboards one to two flush intervals after it happened.
/// </summary>
internal sealed class PoleFeedQueue
{
    private static readonly Func<PoleActor, CancellationToken, ValueTask> Publish = static (actor, _) => actor.PublishSnapshotAsync();

    private readonly ConcurrentQueue<string> _keys = new();

    /// <summary>Poles marked and not yet asked for their snapshot.</summary>
    public int Count => _keys.Count;

    /// <summary>Marks the pole with actor key <paramref name="key"/>; its actor calls this once until it has published.</summary>
    public void Mark(string key) => _keys.Enqueue(key);

    /// <summary>
    /// Asks each marked pole's actor to publish its snapshot. A pole whose mailbox is full stays marked
    /// for the next flush rather than making the live feed wait behind its frames.
    /// </summary>
    public void RequestSnapshots(ActorHost<PoleActor> actors)
    {
        ArgumentNullException.ThrowIfNull(actors);
        for (var n = _keys.Count; n > 0 && _keys.TryDequeue(out var key); n--)
        {
            if (!actors.TryTell(key, Publish))
            {
                _keys.Enqueue(key);
            }
        }
    }
}
