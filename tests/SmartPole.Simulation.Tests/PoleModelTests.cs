using System.Text;
using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Telemetry;
using SmartPole.Simulation;

namespace SmartPole.Simulation.Tests;

public sealed partial class PoleModelTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    // 2026-11-21 00:00 in Shenzhen.
    private static readonly DateTimeOffset LocalMidnight = new(2026, 11, 21, 0, 0, 0, TimeSpan.FromHours(8));

    private static readonly Dictionary<(DeviceKind, string), (double Min, double Max)> PhysicalRanges = new()
    {
        [(DeviceKind.Lighting, "dimPct")] = (0, 100),
        [(DeviceKind.Lighting, "powerW")] = (0, 250),
        [(DeviceKind.Lighting, "voltageV")] = (200, 240),
        [(DeviceKind.Lighting, "currentA")] = (0, 2),
        [(DeviceKind.Lighting, "powerFactor")] = (0.4, 1),
        [(DeviceKind.Lighting, "energyKWh")] = (0, 1e7),
        [(DeviceKind.Lighting, "lampHours")] = (0, 100_000),
        [(DeviceKind.SmallCell, "ues")] = (0, 400),
        [(DeviceKind.SmallCell, "dlMbps")] = (0, 1_500),
        [(DeviceKind.SmallCell, "ulMbps")] = (0, 300),
        [(DeviceKind.SmallCell, "prbPct")] = (0, 100),
        [(DeviceKind.SmallCell, "powerW")] = (20, 260),
        [(DeviceKind.SmallCell, "tempC")] = (-10, 75),
        [(DeviceKind.Camera, "bitrateKbps")] = (500, 10_000),
        [(DeviceKind.Camera, "storagePct")] = (0, 100),
        [(DeviceKind.Camera, "people")] = (0, 200),
        [(DeviceKind.Camera, "vehicles")] = (0, 300),
        [(DeviceKind.Environment, "pm25")] = (1, 300),
        [(DeviceKind.Environment, "pm10")] = (1, 500),
        [(DeviceKind.Environment, "no2")] = (1, 200),
        [(DeviceKind.Environment, "tempC")] = (0, 40),
        [(DeviceKind.Environment, "humidityPct")] = (20, 100),
        [(DeviceKind.Environment, "noiseDb")] = (30, 95),
        [(DeviceKind.Environment, "windMs")] = (0, 15),
        [(DeviceKind.Environment, "pressureHpa")] = (980, 1040),
        [(DeviceKind.Cabinet, "tiltDeg")] = (0, 2),
        [(DeviceKind.Cabinet, "cabinetTempC")] = (0, 70),
        [(DeviceKind.Cabinet, "supplyV")] = (200, 240),
        [(DeviceKind.Meter, "voltageV")] = (200, 240),
        [(DeviceKind.Meter, "currentA")] = (0, 50),
        [(DeviceKind.Meter, "powerW")] = (0, 10_000),
        [(DeviceKind.Meter, "energyKWh")] = (0, 1e7),
        [(DeviceKind.Display, "brightnessPct")] = (0, 100),
        [(DeviceKind.Charger, "state")] = (0, 2),
        [(DeviceKind.Charger, "powerKw")] = (0, 8),
        [(DeviceKind.Charger, "energyKWh")] = (0, 1e7),
    };

    [Fact]
    public void Every_value_stays_in_its_physical_range_over_a_simulated_day()
    {
        var model = new PoleModel("shenzhen", PoleWithEverything(), Shanghai, seed: 1);

        var frames = Day(model, TimeSpan.FromMinutes(5)).ToList();

        Assert.Equal(288, frames.Count);
        foreach (var (time, frame) in frames)
        {
            foreach (var reading in frame.Devices)
            {
                foreach (var metric in reading.Metrics)
                {
                    Assert.True(MetricCatalog.TryGetMetric(reading.Kind, metric.Name, out var definition), $"{reading.Kind}.{metric.Name} is not in the catalog");
                    Assert.Equal(definition.Type, metric.Value.Type);
                    var value = metric.Value.AsDouble();
                    Assert.False(double.IsNaN(value) || double.IsInfinity(value), $"{reading.DeviceId}.{metric.Name} at {time:t}");
                    if (PhysicalRanges.TryGetValue((reading.Kind, metric.Name), out var range))
                    {
                        Assert.True(value >= range.Min && value <= range.Max, $"{reading.DeviceId}.{metric.Name} = {value} at {time:t} is outside {range}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Cumulative_counters_never_decrease_and_lamp_hours_grow_only_at_night()
    {
        var model = new PoleModel("shenzhen", PoleWithEverything(), Shanghai, seed: 3);

        var frames = Day(model, TimeSpan.FromMinutes(1)).Select(f => f.Frame).ToList();

        foreach (var (device, metric) in new[] { ("lamp-1", "energyKWh"), ("lamp-1", "lampHours"), ("meter-1", "energyKWh"), ("charger-1", "energyKWh") })
        {
            var series = frames.Select(f => Value(f, device, metric)).ToList();
            Assert.All(series.Zip(series.Skip(1)), pair => Assert.True(pair.Second >= pair.First, $"{device}.{metric} fell from {pair.First} to {pair.Second}"));
            Assert.True(series[^1] > series[0], $"{device}.{metric} did not grow over a day");
        }

        var lampHours = frames.Select(f => Value(f, "lamp-1", "lampHours")).ToList();
        Assert.Equal(12.0, lampHours[^1] - lampHours[0], 0.2);
    }

    [Fact]
    public void Small_cell_peaks_near_08_and_18_local_and_is_quiet_at_03()
    {
        var peaksChecked = 0;
        foreach (var pole in DemoCity.Shenzhen.Poles.Where(p => p.Devices.Any(d => d.Kind == DeviceKind.SmallCell)).Take(20))
        {
            var model = new PoleModel("shenzhen", pole, Shanghai, seed: 5);

            var ues = Day(model, TimeSpan.FromMinutes(10))
                .Select(f => (Hour: (f.Time - LocalMidnight).TotalHours, Ues: Value(f.Frame, "cell-1", "ues"), Dl: Value(f.Frame, "cell-1", "dlMbps")))
                .ToList();

            var peak = ues.Max(u => u.Ues);
            var morning = ues.Where(u => u.Hour is >= 4 and < 12).MaxBy(u => u.Ues);
            var evening = ues.Where(u => u.Hour is >= 14 and < 23).MaxBy(u => u.Ues);
            var at3 = ues.Single(u => Math.Abs(u.Hour - 3) < 1e-9);
            Assert.InRange(morning.Hour, 7, 9);
            Assert.InRange(evening.Hour, 17, 19);
            Assert.True(at3.Ues < 0.2 * peak, $"{pole.Id}: {at3.Ues} UEs at 03:00 vs peak {peak}");
            Assert.True(at3.Dl < 0.2 * ues.Max(u => u.Dl), $"{pole.Id}: throughput at 03:00 is not under 20 % of the peak");
            peaksChecked++;
        }

        Assert.Equal(20, peaksChecked);
    }

    [Fact]
    public void Lights_follow_the_default_schedule_in_local_time_and_power_follows_dim()
    {
        var model = new PoleModel("shenzhen", PoleWithEverything(), Shanghai, seed: 1);

        var noon = model.NextFrame(LocalMidnight.AddHours(12));
        var evening = model.NextFrame(LocalMidnight.AddHours(20));
        var lateNight = model.NextFrame(LocalMidnight.AddHours(26));
        var dawn = model.NextFrame(LocalMidnight.AddHours(30.75));

        Assert.False(Bool(noon, "lamp-1", "on"));
        Assert.True(Bool(evening, "lamp-1", "on"));
        Assert.Equal(100, Value(evening, "lamp-1", "dimPct"));
        Assert.True(Bool(lateNight, "lamp-1", "on"));
        Assert.Equal(50, Value(lateNight, "lamp-1", "dimPct"));
        Assert.False(Bool(dawn, "lamp-1", "on"));
        Assert.True(Value(evening, "lamp-1", "powerW") > 1.8 * Value(lateNight, "lamp-1", "powerW"));
        Assert.True(Value(lateNight, "lamp-1", "powerW") > 20 * Value(noon, "lamp-1", "powerW"));
    }

    [Fact]
    public void Environment_and_camera_follow_traffic_and_the_day()
    {
        var polesWithCamera = DemoCity.Shenzhen.Poles.Where(p => p.Devices.Any(d => d.Kind == DeviceKind.Camera)).Take(30).ToList();

        double Mean(string device, string metric, double hour) => polesWithCamera
            .Select(p => Value(new PoleModel("shenzhen", p, Shanghai, 9).NextFrame(LocalMidnight.AddHours(hour)), device, metric))
            .Average();

        Assert.True(Mean("env-1", "pm25", 8) > 1.2 * Mean("env-1", "pm25", 3));
        Assert.True(Mean("env-1", "noiseDb", 18) > Mean("env-1", "noiseDb", 3) + 10);
        Assert.True(Mean("env-1", "tempC", 14.5) > Mean("env-1", "tempC", 5) + 4);
        Assert.True(Mean("env-1", "humidityPct", 5) > Mean("env-1", "humidityPct", 14.5));
        Assert.True(Mean("cam-1", "vehicles", 18) > 5 * Mean("cam-1", "vehicles", 3));
        Assert.True(Mean("cam-1", "people", 8) > 5 * Mean("cam-1", "people", 3));
    }

    [Fact]
    public void The_meter_measures_at_least_the_devices_that_report_power_and_the_cabinet_is_warmer_than_the_air()
    {
        var model = new PoleModel("shenzhen", PoleWithEverything(), Shanghai, seed: 4);

        foreach (var (_, frame) in Day(model, TimeSpan.FromMinutes(30)))
        {
            var reported = Value(frame, "lamp-1", "powerW") + Value(frame, "lamp-2", "powerW") + Value(frame, "cell-1", "powerW") +
                           (Value(frame, "charger-1", "powerKw") * 1000);
            var meter = Value(frame, "meter-1", "powerW");
            Assert.InRange(meter, reported, reported + 250);
            Assert.True(Value(frame, "cab-1", "cabinetTempC") > Value(frame, "env-1", "tempC"));
        }
    }

    [Fact]
    public void Same_seed_and_same_times_give_byte_identical_frames_and_another_seed_differs()
    {
        var pole = PoleWithEverything();
        var a = new PoleModel("shenzhen", pole, Shanghai, seed: 42);
        var b = new PoleModel("shenzhen", pole, Shanghai, seed: 42);
        var c = new PoleModel("shenzhen", pole, Shanghai, seed: 43);

        var jsonA = Day(a, TimeSpan.FromMinutes(15)).Select(f => Encoding.UTF8.GetString(TelemetryFrameEncoder.ToUtf8(f.Frame))).ToList();
        var jsonB = Day(b, TimeSpan.FromMinutes(15)).Select(f => Encoding.UTF8.GetString(TelemetryFrameEncoder.ToUtf8(f.Frame))).ToList();
        var jsonC = Day(c, TimeSpan.FromMinutes(15)).Select(f => Encoding.UTF8.GetString(TelemetryFrameEncoder.ToUtf8(f.Frame))).ToList();

        Assert.Equal(jsonA, jsonB);
        Assert.NotEqual(jsonA[40], jsonC[40]);
        Assert.True(jsonA.Zip(jsonC).Count(p => p.First != p.Second) > 90);
    }

    [Fact]
    public void Seq_starts_at_1_and_increases_by_one_and_the_timestamp_can_differ_from_model_time()
    {
        var model = new PoleModel("shenzhen", DemoCity.Shenzhen.Poles[0], Shanghai, seed: 1);
        var stamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        var first = model.NextFrame(LocalMidnight);
        var second = model.NextFrame(LocalMidnight.AddSeconds(10), stamp);

        Assert.Equal(1, first.Seq);
        Assert.Equal(2, second.Seq);
        Assert.Equal(2, model.Seq);
        Assert.Equal(LocalMidnight, first.Timestamp);
        Assert.Equal(stamp, second.Timestamp);
    }

    [Fact]
    public void Frames_of_every_demo_pole_decode_with_no_rejected_readings_and_no_unknown_metrics()
    {
        foreach (var pole in DemoCity.Shenzhen.Poles)
        {
            var frame = new PoleModel("shenzhen", pole, Shanghai, seed: 1).NextFrame(LocalMidnight.AddHours(19));

            var decoded = TelemetryFrameDecoder.Decode(TelemetryFrameEncoder.ToUtf8(frame));

            Assert.Null(decoded.Error);
            Assert.Empty(decoded.Rejected);
            Assert.Equal(0, decoded.UnknownMetrics);
            Assert.Equal(pole.Devices.Count, decoded.Frame!.Devices.Count);
            Assert.Equal(frame.Devices.Sum(d => d.Metrics.Count), decoded.Frame.Devices.Sum(d => d.Metrics.Count));
        }
    }

    [Fact]
    public void A_dim_command_overrides_the_schedule_until_the_schedule_moves_on()
    {
        var model = new PoleModel("shenzhen", PoleWithEverything(), Shanghai, seed: 1);
        var at20 = LocalMidnight.AddHours(20);

        var ack = model.ApplyCommand("""{"device":"lamp-1","action":"dim","args":{"pct":30}}"""u8, at20);
        var dimmed = model.NextFrame(at20.AddMinutes(1));
        var afterMidnight = model.NextFrame(LocalMidnight.AddHours(24.5));

        Assert.Equal(new CommandAck(true), ack);
        Assert.Equal(30, Value(dimmed, "lamp-1", "dimPct"));
        Assert.Equal(100, Value(dimmed, "lamp-2", "dimPct"));
        Assert.Equal(50, Value(afterMidnight, "lamp-1", "dimPct"));
    }

    [Fact]
    public void Off_and_on_commands_switch_the_lamp_against_its_schedule()
    {
        var model = new PoleModel("shenzhen", PoleWithEverything(), Shanghai, seed: 1);

        model.ApplyCommand("""{"device":"lamp-1","action":"off"}"""u8, LocalMidnight.AddHours(20));
        var off = model.NextFrame(LocalMidnight.AddHours(20.1));
        model.ApplyCommand("""{"device":"lamp-1","action":"on"}"""u8, LocalMidnight.AddHours(12));
        var on = model.NextFrame(LocalMidnight.AddHours(12.1));

        Assert.False(Bool(off, "lamp-1", "on"));
        Assert.True(Bool(on, "lamp-1", "on"));
        Assert.Equal(100, Value(on, "lamp-1", "dimPct"));
    }

    [Fact]
    public void Energy_saving_lowers_small_cell_power_and_capacity()
    {
        var pole = PoleWithEverything();
        var normal = new PoleModel("shenzhen", pole, Shanghai, seed: 8);
        var saving = new PoleModel("shenzhen", pole, Shanghai, seed: 8);

        var ack = saving.ApplyCommand("""{"device":"cell-1","action":"energySaving","args":{"on":true}}"""u8, LocalMidnight);
        var a = normal.NextFrame(LocalMidnight.AddHours(8));
        var b = saving.NextFrame(LocalMidnight.AddHours(8));

        Assert.True(ack.Ok);
        Assert.True(Value(b, "cell-1", "powerW") < 0.8 * Value(a, "cell-1", "powerW"));
        Assert.True(Value(b, "cell-1", "ues") < Value(a, "cell-1", "ues"));
    }

    [Fact]
    public void A_config_replaces_the_lighting_schedule_and_sets_the_reporting_interval()
    {
        var model = new PoleModel("shenzhen", PoleWithEverything(), Shanghai, seed: 1);

        var ack = model.ApplyConfig("""{"intervalS":30,"lighting":{"onAt":"21:00","offAt":"05:00","steps":[{"at":"21:00","dimPct":80},{"at":"23:00","dimPct":20}]}}"""u8);
        var at20 = model.NextFrame(LocalMidnight.AddHours(20));
        var at22 = model.NextFrame(LocalMidnight.AddHours(22));
        var at2 = model.NextFrame(LocalMidnight.AddHours(26));

        Assert.True(ack.Ok, ack.Detail);
        Assert.Equal(TimeSpan.FromSeconds(30), model.ReportingInterval);
        Assert.False(Bool(at20, "lamp-1", "on"));
        Assert.Equal(80, Value(at22, "lamp-1", "dimPct"));
        Assert.Equal(80, Value(at22, "lamp-2", "dimPct"));
        Assert.Equal(20, Value(at2, "lamp-1", "dimPct"));
    }

    [Theory]
    [InlineData("""{"intervalS":-1}""", "intervalS")]
    [InlineData("""{"lighting":{"onAt":"25:00","offAt":"06:00"}}""", "onAt and offAt")]
    [InlineData("""{"lighting":{"onAt":"18:00","offAt":"06:00","steps":[{"at":"19:00","dimPct":150}]}}""", "dimPct")]
    [InlineData("""[1,2]""", "JSON object")]
    public void A_bad_config_is_refused_and_changes_nothing(string payload, string reason)
    {
        var model = new PoleModel("shenzhen", PoleWithEverything(), Shanghai, seed: 1);

        var ack = model.ApplyConfig(Encoding.UTF8.GetBytes(payload));
        var at20 = model.NextFrame(LocalMidnight.AddHours(20));

        Assert.False(ack.Ok);
        Assert.Contains(reason, ack.Detail, StringComparison.Ordinal);
        Assert.Null(model.ReportingInterval);
        Assert.Equal(100, Value(at20, "lamp-1", "dimPct"));
    }

    [Theory]
    [InlineData("""{"device":"lamp-9","action":"on"}""", "no device 'lamp-9'")]
    [InlineData("""{"device":"lamp-1","action":"explode"}""", "does not support 'explode'")]
    [InlineData("""{"device":"lamp-1","action":"dim","args":{"pct":140}}""", "0..100")]
    [InlineData("""{"action":"on"}""", "needs \"device\"")]
    [InlineData("""not json""", "invalid JSON")]
    [InlineData("""{"device":"env-1","action":"on"}""", "does not support 'on'")]
    public void Bad_commands_are_refused_with_a_reason(string payload, string reason)
    {
        var model = new PoleModel("shenzhen", PoleWithEverything(), Shanghai, seed: 1);

        var ack = model.ApplyCommand(Encoding.UTF8.GetBytes(payload), LocalMidnight);

        Assert.False(ack.Ok);
        Assert.Contains(reason, ack.Detail, StringComparison.Ordinal);
        using var wire = System.Text.Json.JsonDocument.Parse(ack.ToUtf8());
        Assert.False(wire.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(ack.Detail, wire.RootElement.GetProperty("detail").GetString());
    }

    internal static PoleInfo PoleWithEverything() => new(
        "ft-test-001",
        "Test",
        22.54,
        114.05,
        "futian",
        [
            new DeviceInfo("lamp-1", DeviceKind.Lighting, 150),
            new DeviceInfo("lamp-2", DeviceKind.Lighting, 60),
            new DeviceInfo("cell-1", DeviceKind.SmallCell, 200),
            new DeviceInfo("cam-1", DeviceKind.Camera, 12),
            new DeviceInfo("env-1", DeviceKind.Environment),
            new DeviceInfo("display-1", DeviceKind.Display, 150),
            new DeviceInfo("charger-1", DeviceKind.Charger, 7000),
            new DeviceInfo("sos-1", DeviceKind.Sos),
            new DeviceInfo("cab-1", DeviceKind.Cabinet),
            new DeviceInfo("meter-1", DeviceKind.Meter),
        ]);

    private static IEnumerable<(DateTimeOffset Time, TelemetryFrame Frame)> Day(PoleModel model, TimeSpan step)
    {
        for (var t = LocalMidnight; t < LocalMidnight.AddDays(1); t += step)
        {
            yield return (t, model.NextFrame(t));
        }
    }

    private static double Value(TelemetryFrame frame, string device, string metric) =>
        frame.Devices.Single(d => d.DeviceId == device).Metrics.Single(m => m.Name == metric).Value.AsDouble();

    private static bool Bool(TelemetryFrame frame, string device, string metric) =>
        frame.Devices.Single(d => d.DeviceId == device).Metrics.Single(m => m.Name == metric).Value.AsBoolean();
}
