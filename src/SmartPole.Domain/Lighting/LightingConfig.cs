namespace SmartPole.Domain.Lighting;

/// <summary>
/// One night's schedule in the form a pole applies it (the <c>lighting</c> object of the retained
/// config): on at <paramref name="OnAt"/>, off at <paramref name="OffAt"/>, and the dim level of the
/// latest step in between, all in local time.
/// </summary>
/// <param name="OnAt">Local switch-on time.</param>
/// <param name="OffAt">Local switch-off time (may be after midnight).</param>
/// <param name="Steps">Dim levels from their local times on, starting with the switch-on step.</param>
public sealed record LightingConfig(TimeOnly OnAt, TimeOnly OffAt, IReadOnlyList<LightingConfigStep> Steps)
{
    /// <summary>The pole-side form of <paramref name="plan"/> in <paramref name="timeZone"/>.</summary>
    public static LightingConfig From(LightingPlan plan, TimeZoneInfo timeZone)
    {
        static TimeOnly Local(DateTimeOffset at, TimeZoneInfo zone) => TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

        var first = plan.Steps.FirstOrDefault(s => s.DimPct > 0);
        if (first is null)
        {
            // Never on tonight: on and off at the same time means "not burning" to the pole.
            return new LightingConfig(new TimeOnly(12, 0), new TimeOnly(12, 0), []);
        }

        var off = plan.Steps.FirstOrDefault(s => s.At > first.At && s.DimPct == 0);
        var steps = plan.Steps
            .Where(s => s.At >= first.At && (off is null || s.At < off.At) && s.DimPct > 0)
            .Select(s => new LightingConfigStep(Local(s.At, timeZone), s.DimPct))
            .ToList();

        // A night that never switches off burns until the next night's program takes over at noon.
        var offAt = off is null ? new TimeOnly(12, 0) : Local(off.At, timeZone);
        return new LightingConfig(Local(first.At, timeZone), offAt, steps);
    }
}
