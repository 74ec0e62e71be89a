using SmartPole.Domain.Lighting;

namespace SmartPole.Registry.Onboarding;

/// <summary>
/// Carries a template city's settings to a new place. Steps tied to sunset or sunrise stay tied to
/// them (so they follow the new city's sun every night); their fixed fallback times, used where the
/// sun does not set or rise, are moved to the new place's equinox sunset and sunrise, so a fallback
/// copied from Shenzhen does not leave a northern pilot dark at 18:30 local time in a zone whose
/// clock runs an hour ahead of the sun. Fixed steps are local clock times and stay as they are.
/// </summary>
public static class CityTemplate
{
    /// <summary>The settings of <paramref name="template"/> re-localised to <paramref name="bounds"/> in <paramref name="timeZone"/>, for <paramref name="year"/>'s March equinox.</summary>
    public static CitySettings Localise(CitySettings template, CityBounds bounds, TimeZoneInfo timeZone, int year)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(bounds);
        var (latitude, longitude) = bounds.Center;
        var sun = SolarCalculator.Compute(new DateOnly(year, 3, 20), latitude, longitude, timeZone);
        var programs = template.Lighting.Programs
            .Select(p => p with { Steps = p.Steps.Select(s => Relocate(s, sun)).ToList() })
            .ToList();
        return template with
        {
            Lighting = template.Lighting with { Programs = programs },
            Dashboard = new Dictionary<string, string>(template.Dashboard, StringComparer.Ordinal),
        };
    }

    /// <summary>Sunrise and sunset on <paramref name="date"/> at the centre of <paramref name="city"/>, in its time zone.</summary>
    public static SunTimes SunTimesOf(CityRecord city, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(city);
        var (latitude, longitude) = city.Bounds.Center;
        return SolarCalculator.Compute(date, latitude, longitude, TimeZoneInfo.FindSystemTimeZoneById(city.TimeZone));
    }

    private static LightingStep Relocate(LightingStep step, SunTimes equinox)
    {
        var at = step.Anchor switch
        {
            StepAnchor.Sunset => equinox.Sunset,
            StepAnchor.Sunrise => equinox.Sunrise,
            _ => null,
        };
        if (at is null)
        {
            return step;
        }

        var local = at.Value + step.Offset;
        return step with { At = new TimeOnly(local.Hour, local.Minute) };
    }
}
