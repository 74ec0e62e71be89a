namespace SmartPole.Actors;

/// <summary>
/// Finds idle actors without scanning them all: each active cell sits in the bucket of the
/// granularity slot in which its idle deadline falls, and a single host timer empties only the
/// buckets that fell due. A cell that was busy meanwhile is put back at its new deadline, so each
/// cell is looked at about once per idle timeout, however many calls it serves.
/// </summary>
internal sealed class IdleWheel<TActor> : IDisposable
    where TActor : Actor
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, List<ActorCell<TActor>>> _buckets = [];
    private readonly long _granularityTicks;
    private readonly Func<long> _nowTicks;
    private readonly ITimer _timer;

    public IdleWheel(TimeProvider timeProvider, TimeSpan granularity, Func<long> nowTicks)
    {
        _granularityTicks = granularity.Ticks;
        _nowTicks = nowTicks;
        _timer = timeProvider.CreateTimer(static state => ((IdleWheel<TActor>)state!).OnTick(), this, granularity, granularity);
    }

    /// <summary>Puts <paramref name="cell"/> in the first slot at or after <paramref name="dueTicks"/>.</summary>
    public void Schedule(ActorCell<TActor> cell, long dueTicks)
    {
        var slot = (dueTicks + _granularityTicks - 1) / _granularityTicks;
        lock (_gate)
        {
            if (!_buckets.TryGetValue(slot, out var bucket))
            {
                _buckets[slot] = bucket = [];
            }

            bucket.Add(cell);
        }
    }

    public void Dispose() => _timer.Dispose();

    internal void OnTick()
    {
        var now = _nowTicks();
        var nowSlot = now / _granularityTicks;
        List<List<ActorCell<TActor>>> due = [];
        lock (_gate)
        {
            foreach (var (slot, bucket) in _buckets)
            {
                if (slot <= nowSlot)
                {
                    due.Add(bucket);
                    _buckets.Remove(slot); // removing during enumeration is allowed for Dictionary since .NET Core 3.0
                }
            }
        }

        // Outside the wheel's lock: a cell takes its own lock and may schedule itself again.
        foreach (var bucket in due)
        {
            foreach (var cell in bucket)
            {
                cell.CheckIdle(now);
            }
        }
    }
}
