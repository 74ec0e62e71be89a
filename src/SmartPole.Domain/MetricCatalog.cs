using System.Collections.Frozen;

namespace SmartPole.Domain;

/// <summary>
/// The one catalog of device kinds and their metrics (wire contract v1). Names follow TALQ / FIWARE
/// where they exist.
/// </summary>
public static class MetricCatalog
{
    private static readonly FrozenDictionary<string, DeviceKind> KindsByWireName;
    private static readonly FrozenDictionary<DeviceKind, string> WireNamesByKind;
    private static readonly FrozenDictionary<DeviceKind, FrozenDictionary<string, MetricDefinition>> MetricsByKind;
    private static readonly MetricDefinition[][] OrderedByKind;
    private static readonly FrozenDictionary<string, int>[] IndexByKind;

    static MetricCatalog()
    {
        var kinds = new (DeviceKind Kind, string WireName, MetricDefinition[] Metrics)[]
        {
            (DeviceKind.Lighting, "lighting",
            [
                new("on", MetricType.Boolean), new("dimPct", MetricType.Float, "%"), new("powerW", MetricType.Float, "W"),
                new("energyKWh", MetricType.Float, "kWh", Cumulative: true), new("voltageV", MetricType.Float, "V"),
                new("currentA", MetricType.Float, "A"), new("powerFactor", MetricType.Float),
                new("lampHours", MetricType.Float, "h", Cumulative: true),
            ]),
            (DeviceKind.SmallCell, "smallcell",
            [
                new("onAir", MetricType.Boolean), new("ues", MetricType.Integer), new("dlMbps", MetricType.Float, "Mbit/s"),
                new("ulMbps", MetricType.Float, "Mbit/s"), new("prbPct", MetricType.Float, "%"), new("powerW", MetricType.Float, "W"),
                new("tempC", MetricType.Float, "°C"),
            ]),
            (DeviceKind.Camera, "camera",
            [
                new("online", MetricType.Boolean), new("recording", MetricType.Boolean), new("bitrateKbps", MetricType.Float, "kbit/s"),
                new("storagePct", MetricType.Float, "%"), new("people", MetricType.Integer), new("vehicles", MetricType.Integer),
            ]),
            (DeviceKind.Environment, "environment",
            [
                new("pm25", MetricType.Float, "µg/m³"), new("pm10", MetricType.Float, "µg/m³"), new("no2", MetricType.Float, "µg/m³"),
                new("tempC", MetricType.Float, "°C"), new("humidityPct", MetricType.Float, "%"), new("noiseDb", MetricType.Float, "dB(A)"),
                new("windMs", MetricType.Float, "m/s"), new("pressureHpa", MetricType.Float, "hPa"),
            ]),
            (DeviceKind.Cabinet, "cabinet",
            [
                new("doorOpen", MetricType.Boolean), new("tiltDeg", MetricType.Float, "°"), new("cabinetTempC", MetricType.Float, "°C"),
                new("waterLeak", MetricType.Boolean), new("supplyV", MetricType.Float, "V"),
            ]),
            (DeviceKind.Meter, "meter",
            [
                new("voltageV", MetricType.Float, "V"), new("currentA", MetricType.Float, "A"), new("powerW", MetricType.Float, "W"),
                new("energyKWh", MetricType.Float, "kWh", Cumulative: true),
            ]),
            (DeviceKind.Display, "display", [new("on", MetricType.Boolean), new("brightnessPct", MetricType.Float, "%")]),
            (DeviceKind.Charger, "charger",
            [
                new("state", MetricType.Integer), new("powerKw", MetricType.Float, "kW"),
                new("energyKWh", MetricType.Float, "kWh", Cumulative: true),
            ]),
            (DeviceKind.Sos, "sos", [new("armed", MetricType.Boolean)]),
        };

        KindsByWireName = kinds.ToFrozenDictionary(k => k.WireName, k => k.Kind, StringComparer.Ordinal);
        WireNamesByKind = kinds.ToFrozenDictionary(k => k.Kind, k => k.WireName);
        MetricsByKind = kinds.ToFrozenDictionary(
            k => k.Kind,
            k => k.Metrics.ToFrozenDictionary(m => m.Name, StringComparer.Ordinal));

        // Dense per-kind indexes let the twin keep a device's latest values in one small array
        // instead of one dictionary entry (and object) per metric.
        var kindCount = kinds.Max(k => (int)k.Kind) + 1;
        OrderedByKind = new MetricDefinition[kindCount][];
        IndexByKind = new FrozenDictionary<string, int>[kindCount];
        foreach (var (kind, _, metrics) in kinds)
        {
            OrderedByKind[(int)kind] = metrics;
            IndexByKind[(int)kind] = metrics.Select((m, i) => (m.Name, i)).ToFrozenDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        }
    }

    /// <summary>Every kind with its wire name.</summary>
    public static IEnumerable<DeviceKind> Kinds => WireNamesByKind.Keys;

    /// <summary>The wire name of <paramref name="kind"/> (also the InfluxDB measurement).</summary>
    public static string WireName(DeviceKind kind) => WireNamesByKind[kind];

    /// <summary>Looks up a kind by its wire name (exact, lowercase).</summary>
    public static bool TryGetKind(string wireName, out DeviceKind kind) => KindsByWireName.TryGetValue(wireName, out kind);

    /// <summary>Looks up a kind by its wire name given as UTF-8 bytes.</summary>
    public static bool TryGetKind(ReadOnlySpan<char> wireName, out DeviceKind kind) =>
        KindsByWireName.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(wireName, out kind);

    /// <summary>The metrics of <paramref name="kind"/>.</summary>
    public static IReadOnlyCollection<MetricDefinition> Metrics(DeviceKind kind) => MetricsByKind[kind].Values;

    /// <summary>Looks up a metric of <paramref name="kind"/>.</summary>
    public static bool TryGetMetric(DeviceKind kind, string name, out MetricDefinition definition) =>
        MetricsByKind[kind].TryGetValue(name, out definition!);

    /// <summary>The metrics of <paramref name="kind"/> in catalog order (the order of their dense index).</summary>
    internal static MetricDefinition[] Ordered(DeviceKind kind) => OrderedByKind[(int)kind];

    /// <summary>The dense index of <paramref name="name"/> among the metrics of <paramref name="kind"/>, or -1.</summary>
    internal static int IndexOf(DeviceKind kind, string name) => IndexByKind[(int)kind].TryGetValue(name, out var index) ? index : -1;
}
