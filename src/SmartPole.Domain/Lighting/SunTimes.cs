namespace SmartPole.Domain.Lighting;

/// <summary>Sunrise and sunset of one local date at one place.</summary>
/// <param name="Date">Local date.</param>
/// <param name="Sunrise">Sunrise (upper limb on the horizon, standard refraction), or null when the sun does not rise or set that day.</param>
/// <param name="Sunset">Sunset, or null likewise.</param>
/// <param name="Kind">Whether the day has a sunrise and sunset, or is a polar day or night.</param>
public sealed record SunTimes(DateOnly Date, DateTimeOffset? Sunrise, DateTimeOffset? Sunset, SolarDayKind Kind);
