namespace SmartPole.Domain.Energy;

/// <summary>
/// kWh per local day per device from cumulative meters. A reading older than the newest seen is
/// ignored (the newer counter already holds its energy); a counter that goes down means the meter
/// was reset, and the new value is the energy since the reset; energy between two readings is
/// shared between the local days they span in proportion to time.
/// </summary>
internal sealed class EnergyLedger(int maxDays)
{
    private List<Meter>? _meters;

    public int MaxDays => maxDays;

    public void Apply(string device, double counter, DateTimeOffset at, TimeZoneInfo timeZone)
    {
        if (double.IsNaN(counter) || double.IsInfinity(counter) || counter < 0)
        {
            return;
        }

        _meters ??= [];
        var meter = FindMeter(device);
        if (meter is null)
        {
            _meters.Add(new Meter(device) { LastCounter = counter, LastTicks = at.UtcTicks });
            return;
        }

        if (at.UtcTicks <= meter.LastTicks)
        {
            return;
        }

        var delta = counter >= meter.LastCounter ? counter - meter.LastCounter : counter;
        Spread(meter, delta, new DateTimeOffset(meter.LastTicks, TimeSpan.Zero), at, timeZone);
        meter.LastCounter = counter;
        meter.LastTicks = at.UtcTicks;
    }

    public double KWh(string device, DateOnly day) =>
        _meters is not null && FindMeter(device) is { } meter && DayIndex(meter, day.DayNumber) is >= 0 and var i ? meter.Days[i].Value : 0;

    public IReadOnlyList<DailyEnergy> All() =>
        _meters is null ? [] : [.. _meters.SelectMany(m => m.Days.Select(d => new DailyEnergy(m.Device, DateOnly.FromDayNumber(d.Key), d.Value)))];

    // Loops and exact-size arrays rather than LINQ: this runs on every state save.
    public IReadOnlyList<EnergyMeterState> ToState()
    {
        if (_meters is null)
        {
            return [];
        }

        var states = new EnergyMeterState[_meters.Count];
        for (var i = 0; i < states.Length; i++)
        {
            var meter = _meters[i];
            var days = new DailyEnergy[meter.Days.Count];
            for (var d = 0; d < days.Length; d++)
            {
                days[d] = new DailyEnergy(meter.Device, DateOnly.FromDayNumber(meter.Days[d].Key), meter.Days[d].Value);
            }

            states[i] = new EnergyMeterState(meter.Device, meter.LastCounter, new DateTimeOffset(meter.LastTicks, TimeSpan.Zero), days);
        }

        return states;
    }

    public void Restore(IEnumerable<EnergyMeterState> meters)
    {
        _meters = null;
        foreach (var state in meters)
        {
            var meter = new Meter(state.Device) { LastCounter = state.LastCounter, LastTicks = state.LastReadingAt.UtcTicks };
            meter.Days.AddRange(state.Days.Select(d => new KeyValuePair<int, double>(d.Day.DayNumber, d.KWh)));
            (_meters ??= []).Add(meter);
        }
    }

    // Loops, not List.Find with a lambda: these run for every metered device of every frame, and a lambda
    // capturing a parameter costs a closure allocation on every call, even when it never runs.
    private Meter? FindMeter(string device)
    {
        foreach (var meter in _meters!)
        {
            if (meter.Device == device)
            {
                return meter;
            }
        }

        return null;
    }

    private static int DayIndex(Meter meter, int dayNumber)
    {
        var days = meter.Days;
        for (var i = days.Count - 1; i >= 0; i--)
        {
            if (days[i].Key == dayNumber)
            {
                return i;
            }
        }

        return -1;
    }

    private void Spread(Meter meter, double kWh, DateTimeOffset from, DateTimeOffset to, TimeZoneInfo timeZone)
    {
        var total = (to - from).Ticks;
        var cursor = from;
        while (cursor < to)
        {
            var local = TimeZoneInfo.ConvertTime(cursor, timeZone);
            var day = DateOnly.FromDateTime(local.DateTime);
            var nextMidnight = new DateTimeOffset(local.Date.AddDays(1), timeZone.GetUtcOffset(local.Date.AddDays(1)));
            var end = nextMidnight < to ? nextMidnight : to;
            Add(meter, day, kWh * (end - cursor).Ticks / total);
            cursor = end;
        }
    }

    private void Add(Meter meter, DateOnly day, double kWh)
    {
        var index = DayIndex(meter, day.DayNumber);
        if (index >= 0)
        {
            meter.Days[index] = new(day.DayNumber, meter.Days[index].Value + kWh);
            return;
        }

        meter.Days.Add(new(day.DayNumber, kWh));
        meter.Days.Sort((a, b) => a.Key.CompareTo(b.Key));
        while (meter.Days.Count > maxDays)
        {
            meter.Days.RemoveAt(0);
        }
    }

    private sealed class Meter(string device)
    {
        public string Device { get; } = device;

        public double LastCounter { get; set; }

        public long LastTicks { get; set; }

        public List<KeyValuePair<int, double>> Days { get; } = new(2);
    }
}
