using System.Collections.Concurrent;
using SmartPole.Domain.Poles;
using SmartPole.Server.Poles;

namespace SmartPole.Server.LiveFeed;

/// <summary>
/// Gathers pole changes between two hub pushes. Latest value wins: a pole that changed ten times
/// since the last flush is sent once, with its newest state, so a busy city never builds a queue.
/// </summary>
internal sealed class CityFeed(PoleReadModel readModel)
{
    private readonly ConcurrentDictionary<string, PoleSnapshot> _pending = new(StringComparer.Ordinal);

    // Events are not "latest wins": every alarm and command step is delivered, in order per pole.
    private readonly ConcurrentQueue<TwinEvent> _events = new();

    /// <summary>Poles changed since the last <see cref="Drain"/>.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>Records a pole's new state for the next flush.</summary>
    public void Publish(PoleSnapshot snapshot)
    {
        readModel.Update(snapshot);
        _pending[PoleKey.Of(snapshot.City, snapshot.Pole)] = snapshot;
    }

    /// <summary>Records a pole's new state and what happened to it (alarms, incidents, commands).</summary>
    public void Publish(PoleSnapshot snapshot, IReadOnlyList<TwinEvent> events)
    {
        Publish(snapshot);
        foreach (var change in events)
        {
            readModel.Apply(change);
            _events.Enqueue(change);
        }
    }

    /// <summary>Takes every pending event, grouped by city, in the order they happened.</summary>
    public Dictionary<string, List<TwinEvent>> DrainEvents()
    {
        var byCity = new Dictionary<string, List<TwinEvent>>(StringComparer.Ordinal);
        while (_events.TryDequeue(out var change))
        {
            if (!byCity.TryGetValue(change.City, out var list))
            {
                list = [];
                byCity.Add(change.City, list);
            }

            list.Add(change);
        }

        return byCity;
    }

    /// <summary>
    /// Takes every pending change, grouped by city, except those of the cities in
    /// <paramref name="skip"/>: they stay pending (newest state of each pole) for a later drain.
    /// </summary>
    public Dictionary<string, List<PoleSnapshot>> Drain(IReadOnlySet<string>? skip = null)
    {
        var byCity = new Dictionary<string, List<PoleSnapshot>>(StringComparer.Ordinal);
        foreach (var key in _pending.Keys)
        {
            if (skip is { Count: > 0 } && skip.Contains(PoleKey.Parse(key).City))
            {
                continue;
            }

            // Removing by key hands over the newest value; a change racing in after it waits for the next flush.
            if (_pending.TryRemove(key, out var snapshot))
            {
                if (!byCity.TryGetValue(snapshot.City, out var list))
                {
                    list = [];
                    byCity.Add(snapshot.City, list);
                }

                list.Add(snapshot);
            }
        }

        return byCity;
    }
}
