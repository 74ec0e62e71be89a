using System.Buffers;
using System.Text;
using System.Text.Json;
using SmartPole.Domain.Poles;
using SmartPole.Domain.Telemetry;
using Xunit.Abstractions;

namespace SmartPole.Domain.Tests;

/// <summary>
/// Bytes allocated per operation on the per-frame paths (decode, live snapshot, state save), counted
/// with the thread's own allocation counter so machine load does not change the figure.
/// </summary>
public sealed class AllocationBudgetTests(ITestOutputHelper output)
{
    private const int Rounds = 2_000;

    // A full pole: six devices and 38 metrics, as the simulator sends them.
    private static readonly byte[] FullFrame = Encoding.UTF8.GetBytes("""
        {"ts":"2026-11-21T04:00:00.000Z","seq":1,"devices":[
        {"id":"lamp-1","kind":"lighting","m":{"on":true,"dimPct":80,"powerW":96.5,"energyKWh":1234.56,"voltageV":229.8,"currentA":0.42,"powerFactor":0.97,"lampHours":5120.5}},
        {"id":"cell-1","kind":"smallcell","m":{"onAir":true,"ues":42,"dlMbps":310.2,"ulMbps":41.7,"prbPct":63.1,"powerW":180.4,"tempC":41.2}},
        {"id":"cam-1","kind":"camera","m":{"online":true,"recording":true,"bitrateKbps":4096.0,"storagePct":55.2,"people":12,"vehicles":31}},
        {"id":"env-1","kind":"environment","m":{"pm25":18.0,"pm10":31.5,"no2":22.1,"tempC":24.1,"humidityPct":61.0,"noiseDb":58.3,"windMs":2.4,"pressureHpa":1012.6}},
        {"id":"cab-1","kind":"cabinet","m":{"doorOpen":false,"tiltDeg":0.4,"cabinetTempC":35.2,"waterLeak":false,"supplyV":230.1}},
        {"id":"meter-1","kind":"meter","m":{"voltageV":230.0,"currentA":1.2,"powerW":276.0,"energyKWh":9876.5}}]}
        """);

    [Fact]
    public void Decoding_a_full_frame_stays_within_its_allocation_budget()
    {
        TelemetryFrameDecoder.Decode(FullFrame);

        var perFrame = Measure(() => TelemetryFrameDecoder.Decode(FullFrame));

        output.WriteLine($"decode: {perFrame} B/frame");
        Assert.InRange(perFrame, 1, DecodeBudget);
    }

    [Fact]
    public void A_live_snapshot_of_a_full_twin_stays_within_its_allocation_budget()
    {
        var twin = FullTwin();

        var perSnapshot = Measure(() => twin.ToSnapshot());

        output.WriteLine($"snapshot: {perSnapshot} B/snapshot");
        Assert.InRange(perSnapshot, 1, SnapshotBudget);
    }

    [Fact]
    public void Building_and_serializing_a_live_snapshot_stays_within_its_allocation_budget()
    {
        var twin = FullTwin();
        var json = new ArrayBufferWriter<byte>(16_384);
        using var writer = new Utf8JsonWriter(json);

        var perPush = Measure(() =>
        {
            json.ResetWrittenCount();
            writer.Reset();
            JsonSerializer.Serialize(writer, twin.ToSnapshot());
            return null;
        });

        output.WriteLine($"snapshot + JSON: {perPush} B/snapshot");
        Assert.InRange(perPush, 1, SnapshotJsonBudget);
    }

    [Fact]
    public void Saving_a_full_twin_state_stays_within_its_allocation_budget()
    {
        var twin = FullTwin();

        var perState = Measure(() => twin.ToState());

        output.WriteLine($"state: {perState} B/state");
        Assert.InRange(perState, 1, StateBudget);
    }

    [Fact]
    public void Applying_a_decoded_frame_to_a_twin_stays_within_its_allocation_budget()
    {
        var twin = FullTwin();
        var frame = TelemetryFrameDecoder.Decode(FullFrame).Frame!;
        var seq = 2L;

        var perApply = Measure(() => twin.Apply(frame with { Seq = seq++, Timestamp = frame.Timestamp.AddSeconds(seq) }));

        output.WriteLine($"apply: {perApply} B/frame");
        Assert.InRange(perApply, 1, ApplyBudget);
    }

    private const long DecodeBudget = 2_048; // 6,120 before the UTF-8 name matching
    private const long SnapshotBudget = 1_600; // 6,080 with LINQ dictionaries and boxed values
    private const long SnapshotJsonBudget = 3_500; // 6,800 with LINQ dictionaries and boxed values
    private const long StateBudget = 2_048; // 6,280 with LINQ dictionaries
    private const long ApplyBudget = 512; // the frame copy made by the test itself is most of it

    private static PoleTwin FullTwin()
    {
        var (twin, _) = TwinBuilder.Twin();
        twin.Apply(TelemetryFrameDecoder.Decode(FullFrame).Frame!);
        twin.TakeEvents();
        return twin;
    }

    private static long Measure(Func<object?> operation)
    {
        for (var i = 0; i < 50; i++)
        {
            operation();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Rounds; i++)
        {
            operation();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Rounds;
    }
}
