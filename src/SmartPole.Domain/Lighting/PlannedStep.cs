namespace SmartPole.Domain.Lighting;

/// <summary>A program step resolved to an instant.</summary>
/// <param name="At">The instant, in the city's time zone offset.</param>
/// <param name="DimPct">Dim level from then on (0 = off).</param>
/// <param name="Fallback">True when the step is solar but the sun did not rise or set, so its fixed time was used.</param>
public sealed record PlannedStep(DateTimeOffset At, double DimPct, bool Fallback);
