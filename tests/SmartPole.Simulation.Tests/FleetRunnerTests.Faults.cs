using System.Diagnostics;
using System.Text;
using System.Text.Json;
using SmartPole.Domain.Telemetry;
using SmartPole.Mqtt;
using SmartPole.Simulation;
using SmartPole.Testing;

namespace SmartPole.Simulation.Tests;

public sealed partial class FleetRunnerTests
{
    [Fact]
    public async Task An_injected_door_fault_publishes_its_event_on_the_events_topic_and_shows_in_the_next_frames()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var witness = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/#");
        var city = FirstPoles(2);
        var pole = city.Poles[1].Id;
        var runner = new FleetRunner(city, Options(broker, TimeSpan.FromMilliseconds(200), null, MqttQualityOfService.AtLeastOnce));
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);
        await witness.WaitForMessagesAsync(IsStatus("online"), 2, Patience);

        await runner.InjectFaultAsync(pole, FaultKind.DoorOpened);
        var events = await witness.WaitForMessagesAsync(m => m.StartsWith($"sp/shenzhen/{pole}/events ", StringComparison.Ordinal), 1, Patience);
        var before = FramesOf(witness, pole).Count;
        var frames = await witness.WaitForMessagesAsync(IsFrameOf(pole), before + 1, Patience);
        await stop.CancelAsync();
        var summary = await run;

        using var json = JsonDocument.Parse(events[0][(events[0].IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        Assert.Equal(["ts", "device", "type", "detail"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("doorOpened", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("cab-1", json.RootElement.GetProperty("device").GetString());
        Assert.True(Flag(Decode(frames[^1]), "cab-1", "doorOpen"));
        Assert.DoesNotContain(witness.Messages, m => m.StartsWith($"sp/shenzhen/{city.Poles[0].Id}/events ", StringComparison.Ordinal));
        Assert.Equal((1, 1, 0), (summary.Faults, summary.Events, summary.Errors));
    }

    [Fact]
    public async Task A_supply_loss_is_seen_by_a_subscriber_as_every_device_of_the_pole_going_dark_at_once()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var witness = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/+/telemetry");
        var city = FirstPoles(1);
        var pole = city.Poles[0].Id;
        var options = Options(broker, TimeSpan.FromMilliseconds(150), null, MqttQualityOfService.AtLeastOnce);
        options.SimulatedStart = new DateTimeOffset(2026, 11, 21, 20, 0, 0, TimeSpan.FromHours(8));
        var runner = new FleetRunner(city, options);
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);
        var lit = await witness.WaitForMessagesAsync(IsFrameOf(pole), 1, Patience);

        await runner.InjectFaultAsync(pole, FaultKind.SupplyLoss, TimeSpan.FromMinutes(5));
        var seen = FramesOf(witness, pole).Count;
        var frames = await witness.WaitForMessagesAsync(IsFrameOf(pole), seen + 2, Patience);
        await stop.CancelAsync();
        await run;

        var healthy = Decode(lit[0]);
        var dark = Decode(frames[^1]);
        Assert.True(Flag(healthy, "lamp-1", "on"));
        Assert.True(Number(healthy, "meter-1", "powerW") > 50);
        Assert.False(Flag(dark, "lamp-1", "on"));
        Assert.Equal(0, Number(dark, "meter-1", "powerW"));
        Assert.Equal(0, Number(dark, "cab-1", "supplyV"));
        Assert.DoesNotContain(dark.Devices, d => d.Kind == Domain.DeviceKind.Environment);
        Assert.All(dark.Devices.Where(d => d.Metrics.Any(m => m.Name == "powerW")), d => Assert.Equal(0, Number(dark, d.DeviceId, "powerW")));
    }

    [Fact]
    public async Task A_gateway_drop_closes_the_socket_so_the_broker_publishes_the_will_and_the_pole_comes_back_online()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var witness = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/#");
        var city = FirstPoles(2);
        var pole = city.Poles[0].Id;
        var runner = new FleetRunner(city, Options(broker, TimeSpan.FromMilliseconds(200), null, MqttQualityOfService.AtLeastOnce));
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);
        await witness.WaitForMessagesAsync(IsStatus("online"), 2, Patience);

        await runner.InjectFaultAsync(pole, FaultKind.GatewayDrop, TimeSpan.FromSeconds(1));
        await witness.WaitForMessagesAsync(m => m == $"sp/shenzhen/{pole}/status offline", 1, Patience);
        await witness.WaitForMessagesAsync(m => m == $"sp/shenzhen/{pole}/status online", 2, Patience);
        var afterReturn = witness.Messages.Count;
        await witness.WaitForMessagesAsync(IsFrameOf(pole), FramesOf(witness, pole).Count + 1, Patience);
        var live = runner.Snapshot();
        await stop.CancelAsync();
        var summary = await run;

        var messages = witness.Messages.ToList();
        var will = messages.IndexOf($"sp/shenzhen/{pole}/status offline");
        Assert.True(will < messages.FindLastIndex(m => m == $"sp/shenzhen/{pole}/status online"));
        Assert.Contains(messages.Skip(afterReturn), m => IsFrameOf(pole)(m));
        Assert.DoesNotContain(messages.Take(afterReturn), m => m == $"sp/shenzhen/{city.Poles[1].Id}/status offline");
        Assert.Equal(1, live.Reconnects);
        Assert.Equal((1, 1, 0), (summary.Faults, summary.Reconnects, summary.Errors));
        Assert.Equal(summary.FramesSent, summary.FramesAcked);
    }

    [Fact]
    public async Task Malformed_payloads_of_each_kind_reach_the_wire_and_are_counted_apart_from_frames()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var witness = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/+/telemetry");
        var city = FirstPoles(1);
        var pole = city.Poles[0].Id;
        var runner = new FleetRunner(city, Options(broker, TimeSpan.FromSeconds(30), null, MqttQualityOfService.AtLeastOnce));
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);
        await witness.WaitForMessagesAsync(IsFrameOf(pole), 1, Patience);

        await runner.InjectFaultAsync(pole, FaultKind.BadJson);
        await runner.InjectFaultAsync(pole, FaultKind.UnknownKind);
        await runner.InjectFaultAsync(pole, FaultKind.WrongType);
        var payloads = await witness.WaitForMessagesAsync(IsFrameOf(pole), 4, Patience);
        await stop.CancelAsync();
        var summary = await run;

        var results = payloads.Skip(1).Select(m => TelemetryFrameDecoder.Decode(Encoding.UTF8.GetBytes(m[(m.IndexOf(' ', StringComparison.Ordinal) + 1)..]))).ToList();
        Assert.NotNull(results[0].Error);
        Assert.Null(results[1].Error);
        Assert.Equal("tp-1", Assert.Single(results[1].Rejected).DeviceId);
        Assert.Null(results[2].Error);
        Assert.Single(results[2].Rejected);
        Assert.Equal([3L, 4L], results.Skip(1).Select(r => r.Frame!.Seq));
        Assert.Equal((1, 1, 1), (summary.BadJsonSent, summary.UnknownKindSent, summary.WrongTypeSent));
        Assert.Equal((1, 1, 3), (summary.FramesSent, summary.FramesAcked, summary.Faults));
    }

    [Fact]
    public async Task Random_faults_drawn_at_the_fault_rate_publish_the_events_the_summary_counts()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var witness = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/+/events");
        var options = Options(broker, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), MqttQualityOfService.AtLeastOnce);

        // About 0.3 faults per 100 ms frame, each lasting a second: every pole opens its door and leans within the run.
        options.Faults = [FaultKind.DoorOpened, FaultKind.Tilt];
        options.FaultRate = 10_000;
        options.FaultDuration = TimeSpan.FromSeconds(1);
        var runner = new FleetRunner(FirstPoles(4), options);

        var summary = await runner.RunAsync();
        var events = await witness.WaitForMessagesAsync(_ => true, (int)summary.Events, Patience);

        Assert.True(summary.Events >= 8, $"only {summary.Events} events");
        Assert.Equal(summary.Faults, summary.Events);
        Assert.Equal(summary.Events, events.Count);
        Assert.All(events, e => Assert.Matches("\"type\":\"(doorOpened|tilt)\"", e));
        Assert.Equal(0, summary.Errors);
    }

    [Fact]
    public async Task Command_acks_fail_and_wait_exactly_as_the_seeded_ack_plan_says()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var city = FirstPoles(1);
        var pole = city.Poles[0].Id;
        var options = Options(broker, TimeSpan.FromSeconds(30), null, MqttQualityOfService.AtMostOnce);
        options.AckFailureRate = 0.4;
        options.AckLatency = TimeSpan.FromMilliseconds(300);
        var runner = new FleetRunner(city, options);
        await using var platform = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "platform" });
        var acks = new System.Collections.Concurrent.ConcurrentDictionary<string, (bool Ok, long At)>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int Commands = 20;
        platform.MessageReceivedAsync = message =>
        {
            using var json = JsonDocument.Parse(message.Payload);
            acks[message.Topic.Split('/')[4]] = (json.RootElement.GetProperty("ok").GetBoolean(), Stopwatch.GetTimestamp());
            if (acks.Count == Commands)
            {
                all.TrySetResult();
            }

            return ValueTask.CompletedTask;
        };
        await platform.ConnectAsync();
        await platform.SubscribeAsync($"sp/shenzhen/{pole}/cmd/+/ack", MqttQualityOfService.AtLeastOnce);
        await using var witness = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/+/status");
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);
        await witness.WaitForMessagesAsync(IsStatus("online"), 1, Patience);

        var sentAt = new Dictionary<string, long>();
        for (var i = 0; i < Commands; i++)
        {
            var id = $"c-{i}";
            sentAt[id] = Stopwatch.GetTimestamp();
            await platform.PublishAsync(new MqttApplicationMessage($"sp/shenzhen/{pole}/cmd/{id}", """{"device":"lamp-1","action":"auto"}"""u8.ToArray(), MqttQualityOfService.AtLeastOnce));
        }

        await all.Task.WaitAsync(Patience);
        await stop.CancelAsync();
        var summary = await run;

        var plan = sentAt.Keys.ToDictionary(id => id, id => Fleet.AckPlan.Decide(options.Seed, pole, id, options.AckFailureRate, options.AckLatency));
        Assert.Equal(plan.Where(p => p.Value.Fail).Select(p => p.Key).Order(), acks.Where(a => !a.Value.Ok).Select(a => a.Key).Order());
        Assert.InRange(plan.Count(p => p.Value.Fail), 3, 14);
        foreach (var (id, (_, at)) in acks)
        {
            var waited = Stopwatch.GetElapsedTime(sentAt[id], at);
            Assert.True(waited >= plan[id].Delay - TimeSpan.FromMilliseconds(5), $"{id} answered after {waited.TotalMilliseconds} ms, planned {plan[id].Delay.TotalMilliseconds} ms");
        }

        Assert.Equal((Commands, plan.Count(p => p.Value.Fail)), (summary.CommandsAcked, summary.CommandsFailed));
    }

    private static List<string> FramesOf(MosquittoSubscriber witness, string pole) => [.. witness.Messages.Where(IsFrameOf(pole))];

    private static Func<string, bool> IsFrameOf(string pole) => m => m.StartsWith($"sp/shenzhen/{pole}/telemetry ", StringComparison.Ordinal);

    private static bool Flag(TelemetryFrame frame, string device, string metric) =>
        frame.Devices.Single(d => d.DeviceId == device).Metrics.Single(m => m.Name == metric).Value.AsBoolean();

    private static double Number(TelemetryFrame frame, string device, string metric) =>
        frame.Devices.Single(d => d.DeviceId == device).Metrics.Single(m => m.Name == metric).Value.AsDouble();
}
