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
}
