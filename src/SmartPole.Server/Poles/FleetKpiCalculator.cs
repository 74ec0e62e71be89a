using System.Text.Json;
using SmartPole.Domain.Alarms;
using SmartPole.Domain.Poles;

namespace SmartPole.Server.Poles;

/// <summary>Computes <see cref="FleetKpis"/> from the read model: one pass over the city's newest snapshots.</summary>
internal static class FleetKpiCalculator
{
    public static FleetKpis Compute(string city, int registeredPoles, PoleReadModel readModel, DateTimeOffset now)
    {
        int online = 0, lightsOn = 0;
        double power = 0, dl = 0, pm25 = 0, pm10 = 0;
        long ues = 0;
        int pm25Count = 0, pm10Count = 0;
        foreach (var pole in readModel.OfCity(city))
        {
            if (pole.Status != PoleStatus.Online)
            {
                continue;
            }

            online++;
            var lit = false;
            foreach (var device in pole.Devices)
            {
                switch (device.Kind)
                {
                    case "lighting":
                        lit |= Number(device, "on") is > 0;
                        power += Number(device, "powerW") ?? 0;
                        break;
                    case "smallcell":
                        ues += (long)(Number(device, "ues") ?? 0);
                        dl += Number(device, "dlMbps") ?? 0;
                        break;
                    case "environment":
                        Add(Number(device, "pm25"), ref pm25, ref pm25Count);
                        Add(Number(device, "pm10"), ref pm10, ref pm10Count);
                        break;
                }
            }

            lightsOn += lit ? 1 : 0;
        }

        var alarms = Enum.GetValues<AlarmSeverity>().ToDictionary(s => JsonNamingPolicy.CamelCase.ConvertName(s.ToString()), _ => 0, StringComparer.Ordinal);
        foreach (var open in readModel.OpenAlarms(city))
        {
            alarms[JsonNamingPolicy.CamelCase.ConvertName(open.Alarm.Severity.ToString())]++;
        }

        return new FleetKpis(
            city, now, Math.Max(registeredPoles, readModel.OfCity(city).Count), online, lightsOn, power, ues, dl,
            pm25Count > 0 ? pm25 / pm25Count : null, pm10Count > 0 ? pm10 / pm10Count : null, alarms);
    }

    private static void Add(double? value, ref double sum, ref int count)
    {
        if (value is { } v)
        {
            sum += v;
            count++;
        }
    }

    // Snapshot metrics hold booleans and numbers (boxed, or JsonElement once they went through JSON).
    private static double? Number(DeviceSnapshot device, string metric) =>
        device.Metrics.TryGetValue(metric, out var value)
            ? value switch
            {
                bool b => b ? 1 : 0,
                double d => d,
                long l => l,
                int i => i,
                float f => f,
                JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
                JsonElement { ValueKind: JsonValueKind.True } => 1,
                JsonElement { ValueKind: JsonValueKind.False } => 0,
                _ => null,
            }
            : null;
}
