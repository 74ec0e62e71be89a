using SmartPole.Mqtt;
using SmartPole.Simulation;
using SmartPole.Testing;

namespace SmartPole.Simulation.Tests;

public sealed partial class FleetRunnerTests
{
    [Fact]
    public async Task Same_seed_and_same_start_on_a_fake_clock_give_byte_identical_frames_on_the_wire()
    {
        await using var broker = await MosquittoBroker.StartAsync();

        var first = await RecordFirstFramesAsync(broker, seed: 7);
        var second = await RecordFirstFramesAsync(broker, seed: 7);
        var otherSeed = await RecordFirstFramesAsync(broker, seed: 8);

        Assert.Equal(5, first.Count);
        Assert.Equal(first, second);
        Assert.All(first.Zip(otherSeed), pair => Assert.NotEqual(pair.First, pair.Second));
    }

    /// <summary>
    /// Runs five poles on a fake clock and records their first frames as a subscriber sees them. Pole k is
    /// due 2k s after the start (the stagger over a 10 s interval); the clock moves to the next pole's slot
    /// only once the previous frame arrived, so every frame is stamped with its slot's time.
    /// </summary>
    private static async Task<List<string>> RecordFirstFramesAsync(MosquittoBroker broker, int seed)
    {
        // 19:30 in Shenzhen: lamps on, shops busy.
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 21, 11, 30, 0, TimeSpan.Zero));
        await using var witness = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/+/telemetry");
        var options = Options(broker, TimeSpan.FromSeconds(10), null, MqttQualityOfService.AtMostOnce);
        options.Seed = seed;
        var runner = new FleetRunner(FirstPoles(5), options, timeProvider: time);
        using var stop = new CancellationTokenSource();

        var run = runner.RunAsync(stop.Token);
        for (var pole = 0; pole < 5; pole++)
        {
            if (pole > 0)
            {
                time.Advance(TimeSpan.FromSeconds(2));
            }

            await witness.WaitForMessagesAsync(_ => true, pole + 1, Patience);
        }

        await stop.CancelAsync();
        await run.WaitAsync(Patience);
        return [.. witness.Messages];
    }
}
