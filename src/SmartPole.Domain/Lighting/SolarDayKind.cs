namespace SmartPole.Domain.Lighting;

/// <summary>What the sun does on a day at a place.</summary>
public enum SolarDayKind
{
    /// <summary>It rises and sets.</summary>
    Normal,

    /// <summary>It stays above the horizon all day (midnight sun).</summary>
    PolarDay,

    /// <summary>It stays below the horizon all day (polar night).</summary>
    PolarNight,
}
