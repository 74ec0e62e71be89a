using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Telemetry;

namespace SmartPole.Simulation.Models;

/// <summary>
/// Environmental sensors: particulates, NO₂ and noise rise with traffic; temperature and
/// humidity follow the day and the season; each pole has its own offsets and wander.
/// </summary>
internal sealed class EnvironmentModel(DeviceInfo info, ulong seed) : DeviceModel(info, seed)
{
    private readonly double _pmBias = SimRandom.Range(SimRandom.Hash(seed, SimRandom.StableHash(info.Id)), 1, 0.8, 1.25);
    private readonly double _noiseBias = SimRandom.Range(SimRandom.Hash(seed, SimRandom.StableHash(info.Id)), 2, -3, 4);

    public override DeviceReading? Read(in ModelContext context)
    {
        // Without mains the sensors are dark: there is nothing to report.
        if (context.SupplyLost)
        {
            PowerW = 0;
            return null;
        }

        PowerW = 3;
        var winter = DayCurves.Winterness(context.DayOfYear);
        var background = 12 + (28 * winter);
        var pm25 = Math.Max(2, background * _pmBias * (0.65 + (0.7 * context.Traffic)) * (1 + (0.15 * Noise(1, context, 1800))));
        var pm10 = (pm25 * (1.5 + (0.2 * Noise(2, context, 3600)))) + 4;
        var no2 = Math.Max(3, (10 + (55 * context.Traffic)) * (1 + (0.12 * Noise(3, context, 1200))));
        var noise = Math.Clamp(46 + (24 * context.Traffic) + _noiseBias + (2.5 * Noise(4, context, 120)), 30, 95);
        var swing = DayCurves.DiurnalSwingC(context.LocalHour);
        var humidity = Math.Clamp(70 + (8 * (1 - winter)) - (3.5 * swing) + (6 * Noise(5, context, 5400)), 25, 100);
        var wind = Math.Max(0, 2.4 + (1.6 * Noise(6, context, 2700)) + (0.6 * Math.Sin(2 * Math.PI * (context.LocalHour - 9) / 24)));
        var pressure = 1006 + (14 * winter) - (1.5 * Math.Cos(4 * Math.PI * (context.LocalHour - 10) / 24)) + (2 * Noise(7, context, 21_600));
        return new DeviceReading(Info.Id, DeviceKind.Environment,
        [
            Float("pm25", pm25),
            Float("pm10", pm10),
            Float("no2", no2),
            Float("tempC", context.AmbientC),
            Float("humidityPct", humidity),
            Float("noiseDb", noise),
            Float("windMs", wind),
            Float("pressureHpa", pressure),
        ]);
    }
}
