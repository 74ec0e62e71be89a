namespace SmartPole.Domain.Lighting;

/// <summary>The desired state of a pole's lamps at one instant.</summary>
/// <param name="DimPct">Desired dim level (0 = off).</param>
/// <param name="Program">The program that decided.</param>
/// <param name="Since">When this level began, or null when off since noon.</param>
/// <param name="UsedFallback">True when the sun did not rise or set and fixed times were used.</param>
/// <param name="Note">The reason for the fallback, or null.</param>
public sealed record LightingDecision(double DimPct, string Program, DateTimeOffset? Since, bool UsedFallback, string? Note)
{
    /// <summary>True when the lamps should burn.</summary>
    public bool On => DimPct > 0;
}
