namespace SmartPole.Simulation.Models;

/// <summary>The shapes of a city's day: traffic with morning and evening rush hours, and the climate.</summary>
internal static class DayCurves
{
    /// <summary>
    /// Relative traffic, 0..1, at a local hour (0..24): rush-hour peaks at 08:00 and 18:00, a
    /// daytime plateau at about half the peak, and a night floor of 5 %.
    /// </summary>
    public static double Traffic(double localHour)
    {
        var morning = Bump(localHour, 8.0, 1.1);
        var evening = Bump(localHour, 18.0, 1.3);
        var daytime = 0.55 * SmoothStep((localHour - 8.0) / 1.5) * SmoothStep((18.0 - localHour) / 1.5);
        return 0.05 + (0.95 * Math.Max(Math.Max(morning, evening), daytime));
    }

    /// <summary>Daily mean air temperature (°C) of a humid subtropical city on a day of the year: ~16 °C in January, ~29 °C in July.</summary>
    public static double SeasonalMeanC(int dayOfYear) => 22.8 + (6.3 * Math.Cos(2 * Math.PI * (dayOfYear - 200) / 365.0));

    /// <summary>The day's swing around the mean: coolest before dawn, warmest at about 14:30.</summary>
    public static double DiurnalSwingC(double localHour) => 3.5 * Math.Cos(2 * Math.PI * (localHour - 14.5) / 24.0);

    /// <summary>0 in summer, 1 in mid-winter: winter air is drier and dustier.</summary>
    public static double Winterness(int dayOfYear) => 0.5 + (0.5 * Math.Cos(2 * Math.PI * (dayOfYear - 15) / 365.0));

    private static double Bump(double hour, double center, double sigma)
    {
        var d = Math.Abs(hour - center);
        d = Math.Min(d, 24 - d);
        return Math.Exp(-(d * d) / (2 * sigma * sigma));
    }

    private static double SmoothStep(double x)
    {
        x = Math.Clamp(x, 0, 1);
        return x * x * (3 - (2 * x));
    }
}
