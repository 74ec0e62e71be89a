using SmartPole.Domain.Alarms;

namespace SmartPole.Domain.Incidents;

/// <summary>
/// Groups a pole's alarms into incidents: an alarm raised within the window of an open incident's
/// first alarm joins it (and the probable cause is inferred again); otherwise it opens a new one.
/// An incident closes when all its alarms have cleared.
/// </summary>
internal sealed class IncidentBook(int maxHistory)
{
    private List<Incident>? _open;
    private List<Incident>? _closed;

    public int NextId { get; set; } = 1;

    public IReadOnlyList<Incident> Open => (IReadOnlyList<Incident>?)_open ?? [];

    public IReadOnlyList<Incident> Closed => (IReadOnlyList<Incident>?)_closed ?? [];

    /// <summary>Files <paramref name="alarm"/>; returns the incident and whether it is new.</summary>
    public (Incident Incident, bool Opened) File(string pole, Alarm alarm, TimeSpan window)
    {
        var index = _open?.FindLastIndex(i => alarm.RaisedAt - i.OpenedAt <= window && alarm.RaisedAt >= i.OpenedAt - window) ?? -1;
        if (index < 0)
        {
            var (cause, why) = ProbableCauses.Infer([alarm.Type]);
            var opened = new Incident($"{pole}-i{NextId++}", alarm.RaisedAt, cause, why, [alarm.Id], [alarm.Type]);
            (_open ??= []).Add(opened);
            return (opened, true);
        }

        var current = _open![index];
        var types = current.AlarmTypes.Append(alarm.Type).ToArray();
        var (newCause, explanation) = ProbableCauses.Infer(types);
        var joined = current with { AlarmIds = [.. current.AlarmIds, alarm.Id], AlarmTypes = types, ProbableCause = newCause, Explanation = explanation };
        _open[index] = joined;
        return (joined, false);
    }

    /// <summary>Closes the incident of a cleared alarm when none of its alarms is still open; returns it, or null.</summary>
    public Incident? OnCleared(Alarm cleared, IReadOnlyList<Alarm> stillOpen, DateTimeOffset at)
    {
        var index = _open?.FindIndex(i => i.Id == cleared.IncidentId) ?? -1;
        if (index < 0)
        {
            return null;
        }

        var incident = _open![index];
        if (stillOpen.Any(a => a.IncidentId == incident.Id))
        {
            return null;
        }

        var closed = incident with { ClosedAt = at };
        _open.RemoveAt(index);
        if (_open.Count == 0)
        {
            _open = null;
        }

        _closed ??= [];
        _closed.Add(closed);
        if (_closed.Count > maxHistory)
        {
            _closed.RemoveAt(0);
        }

        return closed;
    }

    public void Restore(IEnumerable<Incident> open, IEnumerable<Incident> closed)
    {
        _open = open.Any() ? [.. open] : null;
        _closed = closed.Any() ? [.. closed] : null;
    }
}
