using System.Diagnostics;
using System.Text;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Telemetry;
using SmartPole.Mqtt;
using SmartPole.Simulation;
using SmartPole.Testing;

namespace SmartPole.Simulation.Tests;

public sealed partial class FleetRunnerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task At_qos_1_every_acked_frame_reaches_an_independent_subscriber_and_nothing_more()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var witness = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/#");
        var city = FirstPoles(12);
        var runner = new FleetRunner(city, Options(broker, interval: TimeSpan.FromMilliseconds(200), duration: TimeSpan.FromSeconds(1.5), MqttQualityOfService.AtLeastOnce));

        var summary = await runner.RunAsync();
        await witness.WaitForMessagesAsync(IsStatus("offline"), city.Poles.Count, Patience);
        var frames = witness.Messages.Where(m => m.Contains("/telemetry ", StringComparison.Ordinal)).ToList();

        Assert.Equal(0, summary.Errors);
        Assert.Equal(12, summary.Connections);
        Assert.True(summary.FramesSent >= 12 * 5, $"only {summary.FramesSent} frames sent");
        Assert.Equal(summary.FramesSent, summary.FramesAcked);
        Assert.Equal(summary.FramesAcked, frames.Count);
        foreach (var group in frames.GroupBy(TopicOf))
        {
            var seqs = group.Select(m => Decode(m).Seq).ToList();
            Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        }

        Assert.Equal(summary.Lines, frames.Sum(m => (long)Decode(m).Devices.Count));
        Assert.Equal(summary.DataPoints, frames.Sum(m => (long)Decode(m).Devices.Sum(d => d.Metrics.Count)));
    }

    [Fact]
    public async Task Each_pole_says_online_at_start_and_offline_at_the_end_retained()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var witness = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/+/status");
        var city = FirstPoles(5);
        var runner = new FleetRunner(city, Options(broker, interval: TimeSpan.FromMilliseconds(300), duration: TimeSpan.FromSeconds(1), MqttQualityOfService.AtLeastOnce));

        await runner.RunAsync();
        await witness.WaitForMessagesAsync(IsStatus("offline"), 5, Patience);
        await using var late = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/+/status");
        var retained = await late.WaitForMessagesAsync(_ => true, 5, Patience);

        Assert.Equal(5, witness.Messages.Count(IsStatus("online")));
        Assert.True(witness.Messages.ToList().FindIndex(m => IsStatus("online")(m)) < witness.Messages.ToList().FindIndex(m => IsStatus("offline")(m)));
        Assert.Equal(city.Poles.Select(p => $"sp/shenzhen/{p.Id}/status offline").Order(), retained.Order());
    }

    [Fact]
    public async Task District_gateway_mode_carries_many_poles_per_connection()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var witness = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/+/telemetry");
        var city = FirstPoles(30);
        var options = Options(broker, interval: TimeSpan.FromMilliseconds(250), duration: TimeSpan.FromSeconds(1), MqttQualityOfService.AtLeastOnce);
        options.PolesPerConnection = 10;
        var runner = new FleetRunner(city, options);

        var summary = await runner.RunAsync();
        var frames = await witness.WaitForMessagesAsync(_ => true, (int)summary.FramesAcked, Patience);

        Assert.Equal(3, runner.ConnectionCount);
        Assert.Equal(3, summary.Connections);
        Assert.Equal(summary.FramesSent, summary.FramesAcked);
        Assert.Equal(city.Poles.Select(p => p.Id).Order(), frames.Select(TopicOf).Distinct().Select(t => t.Split('/')[2]).Order());
    }

    [Fact]
    public async Task A_dim_command_is_acked_and_shows_in_the_next_frames()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var witness = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/#");
        var city = FirstPoles(2);
        var options = Options(broker, interval: TimeSpan.FromMilliseconds(200), duration: null, MqttQualityOfService.AtMostOnce);

        // 20:00 in Shenzhen: the schedule says 100 %, so 30 % can only come from the command.
        options.SimulatedStart = new DateTimeOffset(2026, 11, 21, 20, 0, 0, TimeSpan.FromHours(8));
        var runner = new FleetRunner(city, options);
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);
        await witness.WaitForMessagesAsync(IsStatus("online"), 2, Patience);
        var pole = city.Poles[0].Id;

        await Publish(broker, $"sp/shenzhen/{pole}/cmd/c-42", """{"device":"lamp-1","action":"dim","args":{"pct":30}}""");
        await Publish(broker, $"sp/shenzhen/{pole}/cmd/c-43", """{"device":"lamp-7","action":"on"}""");
        var ack = await witness.WaitForMessagesAsync(m => m.StartsWith($"sp/shenzhen/{pole}/cmd/c-42/ack ", StringComparison.Ordinal), 1, Patience);
        var refusal = await witness.WaitForMessagesAsync(m => m.StartsWith($"sp/shenzhen/{pole}/cmd/c-43/ack ", StringComparison.Ordinal), 1, Patience);
        var before = witness.Messages.Count(m => m.StartsWith($"sp/shenzhen/{pole}/telemetry ", StringComparison.Ordinal));
        var frames = await witness.WaitForMessagesAsync(m => m.StartsWith($"sp/shenzhen/{pole}/telemetry ", StringComparison.Ordinal), before + 2, Patience);
        await stop.CancelAsync();
        var summary = await run;

        Assert.Equal($"sp/shenzhen/{pole}/cmd/c-42/ack {{\"ok\":true}}", ack[0]);
        Assert.Contains("no device 'lamp-7'", refusal[0], StringComparison.Ordinal);
        Assert.Equal(100, LampDim(Decode(frames[0])));
        Assert.Equal(30, LampDim(Decode(frames[^1])));
        Assert.Equal(2, summary.CommandsAcked);
    }

    [Fact]
    public async Task The_retained_config_sets_the_schedule_and_the_reporting_interval_of_its_pole_only()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var city = FirstPoles(2);
        var (configured, other) = (city.Poles[0].Id, city.Poles[1].Id);
        await Publish(broker, $"sp/shenzhen/{configured}/config", """{"intervalS":0.2,"lighting":{"onAt":"21:00","offAt":"05:00"}}""", retain: true);
        await using var witness = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/+/telemetry");
        var options = Options(broker, interval: TimeSpan.FromSeconds(30), duration: null, MqttQualityOfService.AtMostOnce);
        options.SimulatedStart = new DateTimeOffset(2026, 11, 21, 20, 0, 0, TimeSpan.FromHours(8));
        var runner = new FleetRunner(city, options);
        using var stop = new CancellationTokenSource();

        var run = runner.RunAsync(stop.Token);
        var fast = await witness.WaitForMessagesAsync(m => m.StartsWith($"sp/shenzhen/{configured}/telemetry ", StringComparison.Ordinal), 6, Patience);
        await stop.CancelAsync();
        await run;

        Assert.Equal(0, LampDim(Decode(fast[^1])));
        Assert.True(witness.Messages.Count(m => m.StartsWith($"sp/shenzhen/{other}/telemetry ", StringComparison.Ordinal)) <= 1);
        Assert.Equal(TimeSpan.FromSeconds(0.2), runner.Poles[0].ReportingInterval);
        Assert.Null(runner.Poles[1].ReportingInterval);
    }

    [Fact]
    public async Task When_no_broker_listens_every_connection_fails_and_the_run_ends_with_no_frames()
    {
        var port = FreePort.Next();
        var runner = new FleetRunner(FirstPoles(4), new FleetOptions { Broker = new Uri($"mqtt://127.0.0.1:{port}"), Interval = TimeSpan.FromMilliseconds(100), Duration = TimeSpan.FromSeconds(30) });

        var summary = await runner.RunAsync().WaitAsync(Patience);

        Assert.Equal(4, summary.ConnectFailures);
        Assert.Equal(0, summary.Connections);
        Assert.Equal(0, summary.FramesSent);
        Assert.Equal(4, summary.Errors);
    }

    [Fact]
    public async Task The_rate_cap_holds_the_whole_fleet_to_the_frames_per_second_asked()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var options = Options(broker, interval: TimeSpan.Zero, duration: TimeSpan.FromSeconds(2), MqttQualityOfService.AtMostOnce);
        options.Rate = 100;
        var runner = new FleetRunner(FirstPoles(20), options);

        var summary = await runner.RunAsync();

        Assert.Equal(0, summary.Errors);
        // Uncapped, 20 poles at interval 0 send thousands of frames a second; the cap is what keeps this low.
        // The lower bound is loose: a busy test machine may start the poles late.
        Assert.InRange(summary.FramesSent, 10, (100 * summary.ElapsedSeconds) + 25);
    }

    [Fact]
    public async Task Snapshot_counts_while_the_run_goes_on_and_the_summary_round_trips_as_camel_case_json()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var witness = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/+/telemetry");
        var runner = new FleetRunner(FirstPoles(3), Options(broker, TimeSpan.FromMilliseconds(100), null, MqttQualityOfService.AtLeastOnce));
        using var stop = new CancellationTokenSource();

        var run = runner.RunAsync(stop.Token);
        await witness.WaitForMessagesAsync(_ => true, 6, Patience);
        var live = runner.Snapshot();
        await stop.CancelAsync();
        var summary = await run;
        var json = summary.ToJson();

        Assert.True(live.FramesSent >= 6);
        Assert.True(live.ElapsedSeconds > 0);
        Assert.True(summary.FramesSent >= live.FramesSent);
        Assert.Contains("\"framesSent\":", json, StringComparison.Ordinal);
        Assert.Contains("\"elapsedSeconds\":", json, StringComparison.Ordinal);
        Assert.Equal(summary, FleetSummary.FromJson(json));
    }

    [Fact]
    public async Task A_runner_runs_once()
    {
        var runner = new FleetRunner(FirstPoles(1), new FleetOptions { Broker = new Uri($"mqtt://127.0.0.1:{FreePort.Next()}") });
        await runner.RunAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync());
    }

    [Fact]
    public void Bad_options_are_refused_naming_the_setting()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FleetRunner(FirstPoles(1), new FleetOptions { Qos = MqttQualityOfService.ExactlyOnce }));

        Assert.Equal("Qos", error.ParamName);
    }

    private static FleetOptions Options(MosquittoBroker broker, TimeSpan interval, TimeSpan? duration, MqttQualityOfService qos) => new()
    {
        Broker = new Uri($"mqtt://127.0.0.1:{broker.Port}"),
        Interval = interval,
        Duration = duration,
        Qos = qos,
        AckTimeout = TimeSpan.FromSeconds(10),
    };

    private static CityInfo FirstPoles(int count) => DemoCity.Shenzhen with { Poles = [.. DemoCity.Shenzhen.Poles.Take(count)] };

    private static Func<string, bool> IsStatus(string status) => m => m.EndsWith("/status " + status, StringComparison.Ordinal);

    private static string TopicOf(string message) => message[..message.IndexOf(' ', StringComparison.Ordinal)];

    private static TelemetryFrame Decode(string message)
    {
        var result = TelemetryFrameDecoder.Decode(Encoding.UTF8.GetBytes(message[(message.IndexOf(' ', StringComparison.Ordinal) + 1)..]));
        Assert.Null(result.Error);
        Assert.Empty(result.Rejected);
        return result.Frame!;
    }

    private static double LampDim(TelemetryFrame frame) =>
        frame.Devices.Single(d => d.DeviceId == "lamp-1").Metrics.Single(m => m.Name == "dimPct").Value.AsDouble();

    private static async Task Publish(MosquittoBroker broker, string topic, string payload, bool retain = false)
    {
        string[] arguments = ["-h", "127.0.0.1", "-p", broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-q", "1", "-t", topic, "-m", payload];
        await using var pub = ManagedProcess.Start(RealPeer.MosquittoPub, retain ? [.. arguments, "-r"] : arguments);
        Assert.Equal(0, await pub.WaitForExitAsync(Patience));
    }
}
