namespace SmartPole.Simulation.Models;

/// <summary>
/// When a lamp burns and how bright, in local time: on at <see cref="OnAt"/>, off at
/// <see cref="OffAt"/>, and in between the dim level of the latest step (steps are ordered from
/// the switch-on time across midnight).
/// </summary>
internal sealed record LightingSchedule(TimeOnly OnAt, TimeOnly OffAt, IReadOnlyList<(TimeOnly At, double DimPct)> Steps)
{
    /// <summary>The default: on 18:30, off 06:30, 100 % in the evening and 50 % after midnight.</summary>
    public static LightingSchedule Default { get; } = new(
        new TimeOnly(18, 30),
        new TimeOnly(6, 30),
        [(new TimeOnly(18, 30), 100), (new TimeOnly(0, 0), 50)]);

    /// <summary>The scheduled state at local time <paramref name="time"/>.</summary>
    public (bool On, double DimPct) StateAt(TimeOnly time)
    {
        var sinceOn = Since(OnAt, time);
        var burning = sinceOn < Since(OnAt, OffAt);
        if (!burning)
        {
            return (false, 0);
        }

        // The latest step at or before now, counting from the switch-on time.
        var dim = 100.0;
        var best = TimeSpan.MinValue;
        foreach (var (at, dimPct) in Steps)
        {
            var offset = Since(OnAt, at);
            if (offset <= sinceOn && offset > best)
            {
                best = offset;
                dim = dimPct;
            }
        }

        return (true, dim);
    }

    private static TimeSpan Since(TimeOnly from, TimeOnly to)
    {
        var span = to - from;
        return span < TimeSpan.Zero ? span + TimeSpan.FromDays(1) : span;
    }
}
