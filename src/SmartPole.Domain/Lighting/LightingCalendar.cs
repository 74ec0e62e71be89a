namespace SmartPole.Domain.Lighting;

/// <summary>
/// A city's lighting calendar: rules (first match wins) choose a program for each night by date
/// range and weekday; nights no rule matches use the default program.
/// </summary>
/// <param name="Programs">Programs by name.</param>
/// <param name="Rules">Rules, most specific first.</param>
/// <param name="DefaultProgram">The program of nights no rule matches.</param>
public sealed record LightingCalendar(IReadOnlyList<LightingProgram> Programs, IReadOnlyList<CalendarRule> Rules, string DefaultProgram)
{
    /// <summary>A calendar with one program, dusk to dawn, every night.</summary>
    public static LightingCalendar Default { get; } = new([LightingProgram.DuskToDawn], [], LightingProgram.DuskToDawn.Name);

    /// <summary>The program of the night starting on the evening of <paramref name="night"/>.</summary>
    public LightingProgram ProgramFor(DateOnly night)
    {
        var name = Rules.FirstOrDefault(r => r.Matches(night))?.Program ?? DefaultProgram;
        return Programs.FirstOrDefault(p => p.Name == name)
               ?? throw new InvalidOperationException($"lighting calendar names program '{name}' but does not define it");
    }

    /// <summary>The night of <paramref name="night"/> resolved for a place: sunset steps on that evening, sunrise steps on the next morning.</summary>
    public LightingPlan Plan(DateOnly night, double latitude, double longitude, TimeZoneInfo timeZone)
    {
        var program = ProgramFor(night);
        SunTimes? evening = null;
        SunTimes? morning = null;
        string? note = null;
        var steps = new List<PlannedStep>(program.Steps.Count);
        foreach (var step in program.Steps)
        {
            var date = step.At.Hour < 12 ? night.AddDays(1) : night;
            DateTimeOffset? solar = null;
            if (step.Anchor == StepAnchor.Sunset)
            {
                evening ??= SolarCalculator.Compute(night, latitude, longitude, timeZone);
                solar = evening.Sunset;
                date = night;
                note ??= evening.Sunset is null ? Explain(evening, latitude) : null;
            }
            else if (step.Anchor == StepAnchor.Sunrise)
            {
                morning ??= SolarCalculator.Compute(night.AddDays(1), latitude, longitude, timeZone);
                solar = morning.Sunrise;
                date = night.AddDays(1);
                note ??= morning.Sunrise is null ? Explain(morning, latitude) : null;
            }

            var fallback = step.Anchor != StepAnchor.Fixed && solar is null;
            var at = solar is { } s ? s + step.Offset : Local(date, step.At, timeZone);
            steps.Add(new PlannedStep(at, step.DimPct, fallback));
        }

        steps.Sort((a, b) => a.At.CompareTo(b.At));
        return new LightingPlan(night, program.Name, steps, note);
    }

    /// <summary>The desired level at <paramref name="at"/>: the latest step of the night that contains it.</summary>
    public LightingDecision DesiredAt(DateTimeOffset at, double latitude, double longitude, TimeZoneInfo timeZone)
    {
        var plan = Plan(NightOf(at, timeZone), latitude, longitude, timeZone);
        var (level, since) = plan.LevelAt(at);
        return new LightingDecision(level, plan.Program, since, plan.UsedFallback, plan.Note);
    }

    /// <summary>The night an instant belongs to: the local date of the noon at or before it.</summary>
    public static DateOnly NightOf(DateTimeOffset at, TimeZoneInfo timeZone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, timeZone).DateTime.AddHours(-12));

    /// <summary>The instant the night of <paramref name="night"/> starts: local noon.</summary>
    public static DateTimeOffset NightStart(DateOnly night, TimeZoneInfo timeZone) => Local(night, new TimeOnly(12, 0), timeZone);

    private static DateTimeOffset Local(DateOnly date, TimeOnly time, TimeZoneInfo timeZone)
    {
        var local = new DateTime(date, time, DateTimeKind.Unspecified);
        if (timeZone.IsInvalidTime(local))
        {
            // A time skipped by a daylight-saving jump happens at the first valid minute after it.
            local = local.AddHours(1);
        }

        return new DateTimeOffset(local, timeZone.GetUtcOffset(local));
    }

    private static string Explain(SunTimes sun, double latitude) =>
        $"the sun does not {(sun.Kind == SolarDayKind.PolarNight ? "rise (polar night)" : "set (midnight sun)")} at {latitude:0.0}° on {sun.Date:yyyy-MM-dd}: fixed times used";
}
