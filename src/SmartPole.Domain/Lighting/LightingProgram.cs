namespace SmartPole.Domain.Lighting;

/// <summary>A named night of lighting: its steps in the order they happen from noon on.</summary>
/// <param name="Name">Name, e.g. <c>weekday</c>.</param>
/// <param name="Steps">Steps; the lamps are off before the first.</param>
public sealed record LightingProgram(string Name, IReadOnlyList<LightingStep> Steps)
{
    /// <summary>Dusk to dawn: on 10 min after sunset at 100 %, 50 % from 00:00, off 10 min before sunrise (18:30 / 06:30 where the sun does not set or rise).</summary>
    public static LightingProgram DuskToDawn { get; } = new("duskToDawn",
    [
        LightingStep.AtSunset(TimeSpan.FromMinutes(10), 100, new TimeOnly(18, 30)),
        LightingStep.Fixed(new TimeOnly(0, 0), 50),
        LightingStep.AtSunrise(TimeSpan.FromMinutes(-10), 0, new TimeOnly(6, 30)),
    ]);
}
