using System.Globalization;
using SmartPole.Mqtt;

namespace SmartPole.Benchmarks;

/// <summary>
/// The live path (#10 scenario 6): 20,000 frames/s into our server with 50 dashboards on the official SignalR
/// client; publish → dashboard p50/p99. Beside it, in the same run, Mosquitto's own publish → subscribe p99 at
/// 20,000 msgs/s, for the goal: p99 ≤ Mosquitto's p99 + the flush interval (50 ms) + 50 ms.
/// </summary>
internal sealed class LivePathScenario : IScenario
{
    private const string Scenario = "livepath";
    private const int Poles = 2_000;
    private const int Rate = 20_000;
    private const int Dashboards = 50;
    private const double FlushIntervalMs = 50;

    public string Name => Scenario;

    public async Task RunAsync(BenchmarkSettings settings, Report report, CancellationToken ct)
    {
        var warmup = TimeSpan.FromSeconds(5);
        var window = TimeSpan.FromSeconds(settings.Seconds);
        var conditions = string.Create(CultureInfo.InvariantCulture,
            $"simulator --rate {Rate:N0}, {Poles:N0} poles, 20 per connection, QoS 0; server: embedded broker + embedded store, LiveFeed:FlushInterval 50 ms; {Dashboards} dashboards (@microsoft/signalr under node, one process); {window.TotalSeconds:0} s window; everything on the same 2 cores");
        for (var run = 1; run <= settings.Runs; run++)
        {
            Console.WriteLine($"livepath: run {run}/{settings.Runs}");
            var mosquittoP99 = await MosquittoP99Async(warmup, window, ct);
            report.Record(Scenario, "20k frames/s, 50 dashboards", "mosquitto", "publish → subscribe p99 at 20k msgs/s", "ms", mosquittoP99, "100 publishers × 200 msgs/s, QoS 0, 128 B, to 100 subscribers");

            var r = await LivePath.RunAsync("livepath", Poles, Dashboards, warmup, window,
            [
                "--poles", Poles.ToString(CultureInfo.InvariantCulture), "--poles-per-connection", "20", "--interval", "0",
                "--rate", Rate.ToString(CultureInfo.InvariantCulture), "--qos", "0", "--seed", run.ToString(CultureInfo.InvariantCulture),
            ], ct);
            if (r.Problem is not null)
            {
                report.Note(Scenario, $"run {run}: {r.Problem}");
                continue;
            }

            report.Record(Scenario, "20k frames/s, 50 dashboards", "SmartPole server", "frames/s offered (simulator, whole run)", "frames/s", r.FramesPerSecond, conditions);
            report.Record(Scenario, "20k frames/s, 50 dashboards", "SmartPole server", "server CPU", "cores", r.ServerCores, conditions);
            report.Record(Scenario, "20k frames/s, 50 dashboards", "SmartPole server", "latency samples (pole updates received)", "updates", r.Samples, conditions);
            report.Record(Scenario, "20k frames/s, 50 dashboards", "SmartPole server", "publish → SignalR p50", "ms", r.P50Ms, conditions);
            report.Record(Scenario, "20k frames/s, 50 dashboards", "SmartPole server", "publish → SignalR p99", "ms", r.P99Ms, conditions);
            report.Record(Scenario, "20k frames/s, 50 dashboards", "goal", "p99 allowed (mosquitto p99 + 50 + 50 ms)", "ms", mosquittoP99 + FlushIntervalMs + 50, "same run");
            SteadyCityScenario.NoteLostConnections(report, Scenario, run, r);
        }
    }

    private static async Task<double> MosquittoP99Async(TimeSpan warmup, TimeSpan window, CancellationToken ct)
    {
        await using var broker = await BrokerUnderTest.StartAsync(BrokerUnderTest.Mosquitto);
        await using var load = await MqttLoad.ConnectAsync(broker.Port, pairs: 100, fanOut: 1, ct);
        var r = await load.RunAsync(false, MqttQualityOfService.AtMostOnce, 128, warmup, window, TimeSpan.FromMilliseconds(5), () => broker.CpuSeconds);
        return r.LatencyP99Ms;
    }
}
