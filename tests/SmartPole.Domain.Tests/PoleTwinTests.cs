using System.Text.Json;
using SmartPole.Domain.Poles;
using SmartPole.Domain.Telemetry;

namespace SmartPole.Domain.Tests;

public sealed class PoleTwinTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static TelemetryFrame Frame(long seq, DateTimeOffset ts, double powerW) =>
        new(ts, seq, [new DeviceReading("lamp-1", DeviceKind.Lighting, [new("powerW", MetricValue.FromFloat(powerW))])]);

    [Fact]
    public void Apply_keeps_the_latest_value_and_its_timestamp()
    {
        var twin = new PoleTwin("sz", "p1");

        twin.Apply(Frame(1, T0, 10));
        twin.Apply(Frame(2, T0.AddSeconds(10), 20));

        Assert.Equal(new MetricReading(MetricValue.FromFloat(20), T0.AddSeconds(10)), twin.Latest("lamp-1", "powerW"));
        Assert.Equal(2, twin.Frames);
    }

    [Fact]
    public void Apply_drops_a_repeated_seq_and_counts_it()
    {
        var twin = new PoleTwin("sz", "p1");
        twin.Apply(Frame(5, T0, 10));

        var outcome = twin.Apply(Frame(5, T0, 99));

        Assert.Equal(SeqOutcome.Duplicate, outcome);
        Assert.Equal(1, twin.Duplicates);
        Assert.Equal(10, twin.Latest("lamp-1", "powerW")!.Value.Value.AsDouble());
    }

    [Fact]
    public void Apply_counts_a_gap_as_lost_frames()
    {
        var twin = new PoleTwin("sz", "p1");
        twin.Apply(Frame(1, T0, 10));

        twin.Apply(Frame(5, T0.AddSeconds(40), 10));

        Assert.Equal(3, twin.LostFrames);
    }

    [Fact]
    public void Apply_starts_a_new_epoch_when_a_restarted_gateway_sends_a_lower_seq_with_a_newer_ts()
    {
        var twin = new PoleTwin("sz", "p1");
        twin.Apply(Frame(900, T0, 10));

        var outcome = twin.Apply(Frame(1, T0.AddMinutes(1), 30));
        twin.Apply(Frame(2, T0.AddMinutes(2), 31));

        Assert.Equal(SeqOutcome.NewEpoch, outcome);
        Assert.Equal(1, twin.Epoch);
        Assert.Equal(0, twin.LostFrames);
        Assert.Equal(31, twin.Latest("lamp-1", "powerW")!.Value.Value.AsDouble());
    }

    [Fact]
    public void Apply_drops_a_late_older_frame()
    {
        var twin = new PoleTwin("sz", "p1");
        twin.Apply(Frame(10, T0, 10));

        var outcome = twin.Apply(Frame(9, T0.AddSeconds(-10), 5));

        Assert.Equal(SeqOutcome.Duplicate, outcome);
        Assert.Equal(10, twin.Latest("lamp-1", "powerW")!.Value.Value.AsDouble());
    }

    [Fact]
    public void Snapshot_lists_devices_with_typed_values()
    {
        var twin = new PoleTwin("sz", "p1");
        twin.Apply(new TelemetryFrame(T0, 1,
        [
            new DeviceReading("lamp-1", DeviceKind.Lighting, [new("on", MetricValue.FromBoolean(true))]),
            new DeviceReading("cell-1", DeviceKind.SmallCell, [new("ues", MetricValue.FromInteger(7))]),
        ]));

        var snapshot = twin.ToSnapshot();

        Assert.Equal(["cell-1", "lamp-1"], snapshot.Devices.Select(d => d.Id));
        Assert.Equal("smallcell", snapshot.Devices[0].Kind);
        Assert.Equal(7L, snapshot.Devices[0].Metrics["ues"]);
        Assert.Equal(true, snapshot.Devices[1].Metrics["on"]);
        Assert.Equal(T0, snapshot.LastSeen);
    }

    [Fact]
    public void Snapshot_metrics_serialize_and_read_as_the_dictionary_they_stand_for()
    {
        var twin = new PoleTwin("sz", "p1");
        twin.Apply(new TelemetryFrame(T0, 1,
        [
            new DeviceReading("lamp-1", DeviceKind.Lighting,
            [
                new("powerW", MetricValue.FromFloat(96.5)), new("on", MetricValue.FromBoolean(true)),
                new("mystery", MetricValue.FromFloat(0.1), Known: false),
            ]),
            new DeviceReading("cell-1", DeviceKind.SmallCell, [new("ues", MetricValue.FromInteger(7)), new("tempC", MetricValue.FromFloat(41))]),
        ]));
        var expected = new Dictionary<string, object>[]
        {
            new(StringComparer.Ordinal) { ["ues"] = 7L, ["tempC"] = 41.0 },
            new(StringComparer.Ordinal) { ["on"] = true, ["powerW"] = 96.5, ["mystery"] = 0.1 },
        };

        var snapshot = twin.ToSnapshot();

        for (var i = 0; i < expected.Length; i++)
        {
            var metrics = snapshot.Devices[i].Metrics;
            Assert.Equal(JsonSerializer.Serialize<IReadOnlyDictionary<string, object>>(expected[i]), JsonSerializer.Serialize(metrics));
            Assert.Equal(expected[i].Count, metrics.Count);
            Assert.Equal(expected[i].Keys, metrics.Keys);
            Assert.Equal(expected[i].Values, metrics.Values);
            Assert.False(metrics.ContainsKey("dimPct"));
            Assert.False(metrics.TryGetValue("dimPct", out _));
            Assert.Throws<KeyNotFoundException>(() => metrics["dimPct"]);
        }
    }

    [Fact]
    public void Snapshot_and_state_keep_the_values_of_their_moment_after_later_frames()
    {
        var twin = new PoleTwin("sz", "p1");
        twin.Apply(Frame(1, T0, 90));
        var snapshot = twin.ToSnapshot();
        var state = twin.ToState();

        twin.Apply(Frame(2, T0.AddSeconds(10), 10));

        Assert.Equal(90.0, snapshot.Devices[0].Metrics["powerW"]);
        Assert.Equal(90.0, state.Devices[0].Metrics["powerW"]);
        Assert.Equal(10.0, twin.ToSnapshot().Devices[0].Metrics["powerW"]);
    }
}
