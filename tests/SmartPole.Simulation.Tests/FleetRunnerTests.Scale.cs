using SmartPole.Mqtt;
using SmartPole.Simulation;
using SmartPole.Testing;

namespace SmartPole.Simulation.Tests;

public sealed partial class FleetRunnerTests
{
    [Fact]
    public async Task Ten_thousand_poles_each_on_its_own_connection_all_connect_to_Mosquitto_and_every_pole_s_frames_arrive()
    {
        const int Poles = 10_000;
        // Mosquitto inherits this process's 20,000 open files; one per connection, so no per-listener cap may stand in the way.
        await using var broker = await MosquittoBroker.StartAsync("max_connections -1");
        await using var witness = await MosquittoSubscriber.StartAsync(broker.Port, "sp/scale/+/telemetry", qos: 0);
        var options = Options(broker, TimeSpan.FromSeconds(5), null, MqttQualityOfService.AtMostOnce);
        options.HandleCommands = false;
        options.AckTimeout = TimeSpan.FromSeconds(30);
        var runner = new FleetRunner(GeneratedCity.Create("scale", Poles, seed: 1), options);
        using var stop = new CancellationTokenSource();
        var poles = new HashSet<string>(StringComparer.Ordinal);

        var run = runner.RunAsync(stop.Token);
        // The witness calls the match under its own lock, once per message: a pole counts on its first frame.
        await witness.WaitForMessagesAsync(m => poles.Add(TopicOf(m)), Poles, TimeSpan.FromSeconds(90));
        var live = runner.Snapshot();
        await stop.CancelAsync();
        var summary = await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(Poles, runner.ConnectionCount);
        Assert.Equal((Poles, 0), (live.Connections, live.ConnectFailures));
        Assert.Equal(Poles, poles.Count);
        Assert.True(summary.FramesSent >= Poles);
        Assert.Equal(0, summary.Errors);
    }
}
