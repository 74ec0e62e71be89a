using System.Globalization;
using SmartPole.Mqtt;

namespace SmartPole.Benchmarks;

/// <summary>
/// Our broker against Debian's Mosquitto, each in its own process, driven by the same load generator
/// (<see cref="MqttLoad"/>): throughput and latency at QoS 0 and 1, 128 B and 1 KB, 100 → 100 and 1 → 1,000,
/// latency at a fixed rate, and memory per idle connection with 10,000 connections.
/// </summary>
internal sealed class BrokerScenario : IScenario
{
    private const int Pairs = 100;
    private const int FanOut = 1000;
    private const int IdleConnections = 10_000;
    private const string Scenario = "broker";
    private static readonly string[] Brokers = [BrokerUnderTest.Ours, BrokerUnderTest.Mosquitto];

    public string Name => Scenario;

    public async Task RunAsync(BenchmarkSettings settings, Report report, CancellationToken ct)
    {
        // Eight saturation and four paced cases per broker and run: each gets a fifth of the run window.
        var window = TimeSpan.FromSeconds(Math.Max(1.5, settings.Seconds / 5));
        var warmup = TimeSpan.FromSeconds(0.3);
        for (var run = 1; run <= settings.Runs; run++)
        {
            Console.WriteLine($"broker: run {run}/{settings.Runs}");
            var delivered = new Dictionary<(string Case, string Broker), double>();
            foreach (var name in Brokers)
            {
                await using var broker = await BrokerUnderTest.StartAsync(name);
                await using var load = await MqttLoad.ConnectAsync(broker.Port, Pairs, FanOut, ct);
                foreach (var fan in new[] { false, true })
                {
                    foreach (var qos in new[] { MqttQualityOfService.AtMostOnce, MqttQualityOfService.AtLeastOnce })
                    {
                        foreach (var size in new[] { 128, 1024 })
                        {
                            var label = CaseLabel(fan, qos, size);
                            var r = await load.RunAsync(fan, qos, size, warmup, window, pacedInterval: null, () => broker.CpuSeconds);
                            var conditions = string.Create(CultureInfo.InvariantCulture,
                                $"saturation, closed loop: ≤ {(fan ? MqttLoad.FanOutWindow : MqttLoad.PairWindow)} undelivered msgs per publisher; {window.TotalSeconds:0.#} s window; no persistence");
                            report.Record(Scenario, label, name, "delivered", "msgs/s", r.DeliveredPerSecond, conditions);
                            report.Record(Scenario, label, name, "published", "msgs/s", r.PublishedPerSecond, conditions);
                            report.Record(Scenario, label, name, "latency p50 at saturation", "ms", r.LatencyP50Ms, conditions);
                            report.Record(Scenario, label, name, "latency p99 at saturation", "ms", r.LatencyP99Ms, conditions);
                            report.Record(Scenario, label, name, "broker CPU", "cores", r.BrokerCores, conditions);
                            delivered[(label, name)] = r.DeliveredPerSecond;
                            NoteProblems(report, name, label, r);
                        }
                    }
                }

                foreach (var fan in new[] { false, true })
                {
                    foreach (var qos in new[] { MqttQualityOfService.AtMostOnce, MqttQualityOfService.AtLeastOnce })
                    {
                        // 10,000 deliveries/s either way: 100 publishers × 100/s, or 1 publisher × 10/s × 1,000 subscribers.
                        var interval = fan ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromMilliseconds(10);
                        var label = CaseLabel(fan, qos, 128);
                        var r = await load.RunAsync(fan, qos, 128, warmup, window, interval, () => broker.CpuSeconds);
                        var conditions = string.Create(CultureInfo.InvariantCulture, $"paced: 10,000 deliveries/s offered; {window.TotalSeconds:0.#} s window; no persistence");
                        report.Record(Scenario, label, name, "latency p50 at 10k msgs/s", "ms", r.LatencyP50Ms, conditions);
                        report.Record(Scenario, label, name, "latency p99 at 10k msgs/s", "ms", r.LatencyP99Ms, conditions);
                        report.Record(Scenario, label, name, "delivered at 10k msgs/s", "msgs/s", r.DeliveredPerSecond, conditions);
                        report.Record(Scenario, label, name, "broker CPU at 10k msgs/s", "cores", r.BrokerCores, conditions);
                        NoteProblems(report, name, label + " paced", r);
                    }
                }
            }

            foreach (var ((label, name), value) in delivered.Where(d => d.Key.Broker == BrokerUnderTest.Ours))
            {
                report.Record(Scenario, label, "SmartPole ÷ mosquitto", "delivered ratio", "×", value / delivered[(label, BrokerUnderTest.Mosquitto)], "same run, same load generator");
            }

            foreach (var name in Brokers)
            {
                await MeasureIdleConnectionsAsync(name, report, ct);
            }
        }
    }

    private static string CaseLabel(bool fan, MqttQualityOfService qos, int size) =>
        string.Create(CultureInfo.InvariantCulture, $"QoS {(int)qos}, {(size >= 1024 ? "1 KB" : $"{size} B")}, {(fan ? "1 → 1,000" : "100 → 100")}");

    private static void NoteProblems(Report report, string broker, string label, LoadResult r)
    {
        if (r.Errors > 0 || r.Stalls > 0)
        {
            report.Note(Scenario, $"{broker}, {label}: {r.Errors} failed publishes, {r.Stalls} window stalls (> 250 ms without delivery){(r.FirstError is null ? "" : "; first error: " + r.FirstError)}");
        }
    }

    private static async Task MeasureIdleConnectionsAsync(string name, Report report, CancellationToken ct)
    {
        var broker = await BrokerUnderTest.StartAsync(name);
        // One connection first, so lazily built parts (listener loop, first session) are in the baseline.
        var warm = await MqttLoad.ConnectIdleAsync(broker.Port, 1, ct);
        await MqttLoad.DisposeAllAsync(warm);
        await Task.Delay(500, ct);
        var heapBefore = name == BrokerUnderTest.Ours ? await broker.ManagedHeapAfterGcAsync() : 0;
        var rssBefore = broker.ResidentBytes;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        IReadOnlyList<MqttClient> clients = [];
        try
        {
            clients = await MqttLoad.ConnectIdleAsync(broker.Port, IdleConnections, ct);
            var connectSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            await Task.Delay(2000, ct);
            var rssAfter = broker.ResidentBytes;
            const string conditions = "10,000 idle MQTT 3.1.1 connections (clean session, keep-alive 120 s); broker RSS delta ÷ count";
            report.Record(Scenario, "10,000 idle connections", name, "RSS per connection", "KiB", (rssAfter - rssBefore) / 1024.0 / IdleConnections, conditions);
            report.Record(Scenario, "10,000 idle connections", name, "connect rate", "conn/s", IdleConnections / connectSeconds, conditions);
            if (name == BrokerUnderTest.Ours)
            {
                var heapAfter = await broker.ManagedHeapAfterGcAsync();
                var rssAfterGc = broker.ResidentBytes;
                report.Record(Scenario, "10,000 idle connections", name, "managed heap per connection (after full GC)", "KiB", (heapAfter - heapBefore) / 1024.0 / IdleConnections, conditions);
                report.Record(Scenario, "10,000 idle connections", name, "RSS per connection (after full GC)", "KiB", (rssAfterGc - rssBefore) / 1024.0 / IdleConnections, conditions);
            }
        }
        finally
        {
            // Stop the broker first: 10,000 clients then see a closed socket instead of each sending DISCONNECT.
            await broker.DisposeAsync();
            await MqttLoad.DisposeAllAsync(clients, 256);
        }
    }
}
