using SmartPole.Domain.Cities;
using SmartPole.Domain.Lighting;
using SmartPole.Domain.Poles;
using SmartPole.Domain.Telemetry;
using SmartPole.Testing;

namespace SmartPole.Domain.Tests;

/// <summary>Frames, settings and twins for the twin's tests.</summary>
internal static class TwinBuilder
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 21, 4, 0, 0, TimeSpan.Zero); // 12:00 in Shenzhen

    public static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static readonly PoleInfo ShenzhenPole = new("p1", "Shennan Rd 1", 22.5, 114.06, "futian",
    [
        new DeviceInfo("lamp-1", DeviceKind.Lighting, 120),
        new DeviceInfo("cell-1", DeviceKind.SmallCell, 300),
        new DeviceInfo("cam-1", DeviceKind.Camera),
        new DeviceInfo("env-1", DeviceKind.Environment),
        new DeviceInfo("cab-1", DeviceKind.Cabinet),
        new DeviceInfo("meter-1", DeviceKind.Meter),
    ]);

    public static PoleTwinSettings Settings(bool lighting = true) => new()
    {
        TimeZone = Shanghai,
        Pole = ShenzhenPole,
        Lighting = lighting ? LightingCalendar.Default : null,
        ReportingInterval = TimeSpan.FromSeconds(10),
    };

    public static (PoleTwin Twin, ManualTimeProvider Time) Twin(PoleTwinSettings? settings = null, DateTimeOffset? start = null)
    {
        var time = new ManualTimeProvider(start ?? T0);
        return (new PoleTwin("shenzhen", "p1", settings ?? Settings(), time), time);
    }

    public static DeviceReading Reading(string device, DeviceKind kind, params (string Name, object Value)[] metrics) =>
        new(device, kind, [.. metrics.Select(m => new Metric(m.Name, m.Value switch
        {
            bool b => MetricValue.FromBoolean(b),
            int i => MetricValue.FromInteger(i),
            long l => MetricValue.FromInteger(l),
            double d => MetricValue.FromFloat(d),
            _ => throw new ArgumentException($"unsupported metric value {m.Value}"),
        }))]);

    public static TelemetryFrame Frame(long seq, DateTimeOffset ts, params DeviceReading[] readings) => new(ts, seq, readings);

    /// <summary>Applies a frame stamped with the provider's now and the next seq.</summary>
    public static SeqOutcome Report(this PoleTwin twin, ManualTimeProvider time, params DeviceReading[] readings) =>
        twin.Apply(new TelemetryFrame(time.GetUtcNow(), twin.LastSeq + 1, readings));

    public static List<T> Events<T>(this PoleTwin twin)
        where T : TwinEvent => [.. twin.TakeEvents().OfType<T>()];
}
