namespace SmartPole.Domain.Alarms;

/// <summary>
/// A pole's alarms: at most one open alarm per device and type, and a short history of cleared
/// ones. Holds nothing until the first alarm, so a healthy pole costs two null fields.
/// </summary>
internal sealed class AlarmBook
{
    private List<Alarm>? _open;
    private List<Alarm>? _history;

    public AlarmBook(int maxHistory) => MaxHistory = maxHistory;

    public int MaxHistory { get; }

    /// <summary>The number part of the next alarm id.</summary>
    public int NextId { get; set; } = 1;

    public IReadOnlyList<Alarm> Open => (IReadOnlyList<Alarm>?)_open ?? [];

    public IReadOnlyList<Alarm> History => (IReadOnlyList<Alarm>?)_history ?? [];

    // Loops rather than List.Find with a lambda: the rules ask this for every device of every frame,
    // and a capturing lambda costs an allocation per call even when no alarm is open.
    public Alarm? Find(string device, string type)
    {
        if (_open is { } open)
        {
            foreach (var alarm in open)
            {
                if (alarm.Device == device && alarm.Type == type)
                {
                    return alarm;
                }
            }
        }

        return null;
    }

    public Alarm? FindById(string id)
    {
        if (_open is { } open)
        {
            foreach (var alarm in open)
            {
                if (alarm.Id == id)
                {
                    return alarm;
                }
            }
        }

        return null;
    }

    /// <summary>Opens an alarm unless one of this device and type is open already; returns the new alarm or null.</summary>
    public Alarm? Raise(string pole, string device, string type, DateTimeOffset at, string detail)
    {
        if (Find(device, type) is not null)
        {
            return null;
        }

        var alarm = new Alarm($"{pole}-a{NextId++}", device, type, AlarmTypes.DefaultSeverity(type), at, detail);
        (_open ??= []).Add(alarm);
        return alarm;
    }

    public void Replace(Alarm alarm)
    {
        var index = _open!.FindIndex(a => a.Id == alarm.Id);
        _open[index] = alarm;
    }

    public Alarm? Acknowledge(string id, DateTimeOffset at)
    {
        var alarm = FindById(id);
        if (alarm is null || alarm.AcknowledgedAt is not null)
        {
            return null;
        }

        var acknowledged = alarm with { AcknowledgedAt = at };
        Replace(acknowledged);
        return acknowledged;
    }

    /// <summary>Clears the open alarm of this device and type; returns it, or null when none was open.</summary>
    public Alarm? Clear(string device, string type, DateTimeOffset at) => Find(device, type) is { } alarm ? Close(alarm, at) : null;

    public Alarm? ClearById(string id, DateTimeOffset at) => FindById(id) is { } alarm ? Close(alarm, at) : null;

    public void Restore(IEnumerable<Alarm> open, IEnumerable<Alarm> history)
    {
        _open = open.Any() ? [.. open] : null;
        _history = history.Any() ? [.. history] : null;
    }

    private Alarm Close(Alarm alarm, DateTimeOffset at)
    {
        var cleared = alarm with { ClearedAt = at };
        _open!.Remove(alarm);
        if (_open.Count == 0)
        {
            _open = null;
        }

        _history ??= [];
        _history.Add(cleared);
        if (_history.Count > MaxHistory)
        {
            _history.RemoveAt(0);
        }

        return cleared;
    }
}
