using System.Buffers;
using System.Globalization;
using System.Text.Json;
using SmartPole.Domain.Alarms;

namespace SmartPole.Domain.Lighting;

/// <summary>
/// What the platform wants a pole to run, published retained on <c>sp/{city}/{pole}/config</c>:
/// <c>{"intervalS","lighting":{"onAt","offAt","steps":[{"at","dimPct"}]},"thresholds":{…},"night","program"}</c>.
/// The simulator reads <c>intervalS</c> and <c>lighting</c>; the other members are for gateways that check limits at the edge.
/// </summary>
/// <param name="IntervalS">Reporting interval in seconds.</param>
/// <param name="Lighting">Tonight's schedule in local time.</param>
/// <param name="Thresholds">The city's limits.</param>
/// <param name="Night">The night the schedule is for.</param>
/// <param name="Program">The program it came from.</param>
public sealed record DesiredConfig(int IntervalS, LightingConfig Lighting, CityThresholds Thresholds, DateOnly Night, string Program)
{
    /// <summary>The wire payload.</summary>
    public byte[] ToUtf8()
    {
        static string Hm(TimeOnly t) => t.ToString("HH:mm", CultureInfo.InvariantCulture);

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("intervalS"u8, IntervalS);
            json.WriteStartObject("lighting"u8);
            json.WriteString("onAt"u8, Hm(Lighting.OnAt));
            json.WriteString("offAt"u8, Hm(Lighting.OffAt));
            json.WriteStartArray("steps"u8);
            foreach (var step in Lighting.Steps)
            {
                json.WriteStartObject();
                json.WriteString("at"u8, Hm(step.At));
                json.WriteNumber("dimPct"u8, step.DimPct);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartObject("thresholds"u8);
            json.WriteNumber("tiltDeg"u8, Thresholds.TiltDeg);
            json.WriteNumber("cabinetTempC"u8, Thresholds.CabinetTempC);
            json.WriteNumber("pm25"u8, Thresholds.Pm25);
            json.WriteNumber("noiseDayDb"u8, Thresholds.NoiseDayDb);
            json.WriteNumber("noiseNightDb"u8, Thresholds.NoiseNightDb);
            json.WriteNumber("storagePct"u8, Thresholds.StoragePct);
            json.WriteEndObject();
            json.WriteString("night"u8, Night.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            json.WriteString("program"u8, Program);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
