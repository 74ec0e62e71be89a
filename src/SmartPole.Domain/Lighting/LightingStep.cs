namespace SmartPole.Domain.Lighting;

/// <summary>
/// One step of a lighting program: from its instant on, lamps burn at <paramref name="DimPct"/>
/// (0 = off). A program covers one night, from noon to the next noon: a fixed time before 12:00
/// falls on the next morning.
/// </summary>
/// <param name="Anchor">Fixed time, sunset or sunrise.</param>
/// <param name="At">The fixed local time; for a solar anchor, the time used where the sun does not rise or set that day.</param>
/// <param name="DimPct">Dim level 0..100 from this step on.</param>
/// <param name="Offset">For a solar anchor, minutes before (negative) or after the event.</param>
public sealed record LightingStep(StepAnchor Anchor, TimeOnly At, double DimPct, TimeSpan Offset)
{
    // No default value on the primary constructor's Offset: the OpenAPI schema of any response holding a step
    // would then carry a TimeSpan default that its generator cannot read back (HTTP 500 on /openapi/v1.json).
    // JSON without "offset" still reads as zero.

    /// <summary>A step at a fixed local time.</summary>
    public static LightingStep Fixed(TimeOnly at, double dimPct) => new(StepAnchor.Fixed, at, dimPct, TimeSpan.Zero);

    /// <summary>A step at sunset + <paramref name="offset"/>, or at <paramref name="fallback"/> where there is no sunset.</summary>
    public static LightingStep AtSunset(TimeSpan offset, double dimPct, TimeOnly fallback) => new(StepAnchor.Sunset, fallback, dimPct, offset);

    /// <summary>A step at sunrise + <paramref name="offset"/>, or at <paramref name="fallback"/> where there is no sunrise.</summary>
    public static LightingStep AtSunrise(TimeSpan offset, double dimPct, TimeOnly fallback) => new(StepAnchor.Sunrise, fallback, dimPct, offset);
}
