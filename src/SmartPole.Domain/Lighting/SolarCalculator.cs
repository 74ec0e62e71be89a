namespace SmartPole.Domain.Lighting;

/// <summary>
/// Sunrise and sunset after NOAA's solar calculator (the Meeus-based equations of the NOAA Global
/// Monitoring Laboratory, accurate to about a minute below ±72° latitude): the sun's apparent
/// longitude, declination and equation of time at the event, a zenith of 90.833° (refraction and
/// the sun's radius), and one refinement at the first estimate's instant.
/// </summary>
public static class SolarCalculator
{
    private const double Zenith = 90.833;

    /// <summary>
    /// Sunrise and sunset on local <paramref name="date"/> at <paramref name="latitude"/>,
    /// <paramref name="longitude"/> (degrees, east positive) in <paramref name="timeZone"/>.
    /// </summary>
    public static SunTimes Compute(DateOnly date, double latitude, double longitude, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(timeZone);

        // Work from the UTC instant of local noon so the events found belong to the local date.
        var localNoon = new DateTime(date, new TimeOnly(12, 0), DateTimeKind.Unspecified);
        var noonUtc = new DateTimeOffset(localNoon, timeZone.GetUtcOffset(localNoon)).ToUniversalTime();
        var rise = Event(noonUtc, latitude, longitude, rising: true, out var kind);
        var set = Event(noonUtc, latitude, longitude, rising: false, out var setKind);
        return rise is not null && set is not null
            ? new SunTimes(date, TimeZoneInfo.ConvertTime(rise.Value, timeZone), TimeZoneInfo.ConvertTime(set.Value, timeZone), SolarDayKind.Normal)
            : new SunTimes(date, null, null, kind == SolarDayKind.Normal ? setKind : kind);
    }

    private static DateTimeOffset? Event(DateTimeOffset noonUtc, double latitude, double longitude, bool rising, out SolarDayKind kind)
    {
        var estimate = noonUtc;
        var dayStart = new DateTimeOffset(noonUtc.UtcDateTime.Date, TimeSpan.Zero);
        kind = SolarDayKind.Normal;
        for (var pass = 0; pass < 3; pass++)
        {
            var jd = JulianDay(estimate);
            var t = (jd - 2451545.0) / 36525.0;
            var declination = Declination(t);
            var cosHourAngle = (Math.Cos(Rad(Zenith)) / (Math.Cos(Rad(latitude)) * Math.Cos(declination))) - (Math.Tan(Rad(latitude)) * Math.Tan(declination));
            if (cosHourAngle > 1)
            {
                kind = SolarDayKind.PolarNight;
                return null;
            }

            if (cosHourAngle < -1)
            {
                kind = SolarDayKind.PolarDay;
                return null;
            }

            var hourAngle = Deg(Math.Acos(cosHourAngle)) * (rising ? 1 : -1);

            // Minutes after 0h UTC of local noon's UTC date (solar noon lies within hours of local noon);
            // may fall outside 0..1440 far east or west of Greenwich.
            var minutes = 720 - (4 * (longitude + hourAngle)) - EquationOfTimeMinutes(t);

            estimate = dayStart.AddMinutes(minutes);
        }

        return estimate;
    }

    private static double JulianDay(DateTimeOffset utc) => (utc.UtcTicks / (double)TimeSpan.TicksPerDay) + 1721425.5;

    private static double Declination(double t)
    {
        var lambda = ApparentLongitude(t);
        return Math.Asin(Math.Sin(Rad(ObliquityCorrected(t))) * Math.Sin(Rad(lambda)));
    }

    private static double EquationOfTimeMinutes(double t)
    {
        var epsilon = Rad(ObliquityCorrected(t));
        var l0 = Rad(GeomMeanLongitude(t));
        var e = Eccentricity(t);
        var m = Rad(GeomMeanAnomaly(t));
        var y = Math.Tan(epsilon / 2);
        y *= y;
        var eqTime = (y * Math.Sin(2 * l0)) - (2 * e * Math.Sin(m)) + (4 * e * y * Math.Sin(m) * Math.Cos(2 * l0))
                     - (0.5 * y * y * Math.Sin(4 * l0)) - (1.25 * e * e * Math.Sin(2 * m));
        return Deg(eqTime) * 4;
    }

    private static double GeomMeanLongitude(double t)
    {
        var l0 = 280.46646 + (t * (36000.76983 + (0.0003032 * t)));
        l0 %= 360;
        return l0 < 0 ? l0 + 360 : l0;
    }

    private static double GeomMeanAnomaly(double t) => 357.52911 + (t * (35999.05029 - (0.0001537 * t)));

    private static double Eccentricity(double t) => 0.016708634 - (t * (0.000042037 + (0.0000001267 * t)));

    private static double EquationOfCenter(double t)
    {
        var m = Rad(GeomMeanAnomaly(t));
        return (Math.Sin(m) * (1.914602 - (t * (0.004817 + (0.000014 * t))))) + (Math.Sin(2 * m) * (0.019993 - (0.000101 * t))) + (Math.Sin(3 * m) * 0.000289);
    }

    private static double ApparentLongitude(double t)
    {
        var omega = 125.04 - (1934.136 * t);
        return GeomMeanLongitude(t) + EquationOfCenter(t) - 0.00569 - (0.00478 * Math.Sin(Rad(omega)));
    }

    private static double ObliquityCorrected(double t)
    {
        var seconds = 21.448 - (t * (46.8150 + (t * (0.00059 - (t * 0.001813)))));
        var mean = 23.0 + ((26.0 + (seconds / 60.0)) / 60.0);
        var omega = 125.04 - (1934.136 * t);
        return mean + (0.00256 * Math.Cos(Rad(omega)));
    }

    private static double Rad(double degrees) => degrees * Math.PI / 180;

    private static double Deg(double radians) => radians * 180 / Math.PI;
}
