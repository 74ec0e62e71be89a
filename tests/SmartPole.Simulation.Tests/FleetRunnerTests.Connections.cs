using SmartPole.Mqtt;
using SmartPole.Simulation;
using SmartPole.Testing;

namespace SmartPole.Simulation.Tests;

public sealed partial class FleetRunnerTests
{
    [Fact]
    public async Task A_broker_restart_mid_run_loses_no_qos_1_frame_and_every_pole_says_online_again()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var city = FirstPoles(6);
        var options = Options(broker, TimeSpan.FromMilliseconds(100), null, MqttQualityOfService.AtLeastOnce);
        options.PolesPerConnection = 2;
        options.ReconnectDelay = TimeSpan.FromMilliseconds(100);
        options.MaxReconnectDelay = TimeSpan.FromMilliseconds(400);
        var runner = new FleetRunner(city, options);
        using var stop = new CancellationTokenSource();
        FleetSummary summary;
        await using (var before = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/+/telemetry"))
        {
            var run = runner.RunAsync(stop.Token);
            await before.WaitForMessagesAsync(_ => true, 12, Patience);

            await broker.RestartAsync(TimeSpan.FromSeconds(1));
            await using var after = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/#");
            await after.WaitForMessagesAsync(IsStatus("online"), city.Poles.Count, Patience);
            await after.WaitForMessagesAsync(m => m.Contains("/telemetry ", StringComparison.Ordinal), 12, Patience);
            await stop.CancelAsync();
            summary = await run;

            // Frames go on from where each pole was: no pole started over at seq 1.
            Assert.All(after.Messages.Where(m => m.Contains("/telemetry ", StringComparison.Ordinal)), m => Assert.True(Decode(m).Seq > 1));
        }

        Assert.Equal(3, summary.Reconnects);
        Assert.Equal(summary.FramesSent, summary.FramesAcked);
        Assert.Equal(0, summary.Errors);
    }

    [Fact]
    public async Task When_the_broker_stays_away_the_run_still_ends_and_counts_the_unacked_frames_as_errors()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var witness = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/+/telemetry");
        var options = Options(broker, TimeSpan.FromMilliseconds(100), null, MqttQualityOfService.AtLeastOnce);
        options.AckTimeout = TimeSpan.FromSeconds(1);
        var runner = new FleetRunner(FirstPoles(2), options);
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);
        await witness.WaitForMessagesAsync(_ => true, 4, Patience);

        // Away for longer than the run waits for acks after its stop.
        var away = broker.RestartAsync(TimeSpan.FromSeconds(6));
        await stop.CancelAsync();
        var summary = await run.WaitAsync(Patience);
        await away;

        Assert.True(summary.FramesAcked >= 4);
        Assert.True(summary.Errors >= summary.FramesSent - summary.FramesAcked);
        Assert.Equal(0, summary.Reconnects);
    }

    [Fact]
    public async Task In_gateway_mode_a_clean_stop_says_offline_for_every_carried_pole_but_a_drop_fires_the_one_will_of_its_first_pole()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var witness = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/+/status");
        var city = FirstPoles(4);
        var options = Options(broker, TimeSpan.FromMilliseconds(200), null, MqttQualityOfService.AtLeastOnce);
        options.PolesPerConnection = 4;
        var runner = new FleetRunner(city, options);
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);
        await witness.WaitForMessagesAsync(IsStatus("online"), 4, Patience);

        await runner.InjectFaultAsync(city.Poles[2].Id, FaultKind.GatewayDrop, TimeSpan.FromSeconds(1));
        await witness.WaitForMessagesAsync(IsStatus("offline"), 1, Patience);
        await witness.WaitForMessagesAsync(IsStatus("online"), 8, Patience);
        var duringDrop = witness.Messages.Where(IsStatus("offline")).ToList();
        await stop.CancelAsync();
        await run;
        await witness.WaitForMessagesAsync(IsStatus("offline"), 5, Patience);

        Assert.Equal([$"sp/shenzhen/{city.Poles[0].Id}/status offline"], duringDrop);
        Assert.Equal(city.Poles.Select(p => $"sp/shenzhen/{p.Id}/status offline").Order(), witness.Messages.Where(IsStatus("offline")).Skip(1).Order());
    }
}
