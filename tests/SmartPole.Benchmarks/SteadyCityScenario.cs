using System.Globalization;

namespace SmartPole.Benchmarks;

/// <summary>
/// Shenzhen-scale steady load (#10 scenario 3): 50,000 poles on district-gateway connections, one frame per
/// pole every 10 s, QoS 1, into our server; the server's CPU share of the machine and publish → dashboard latency
/// on one SignalR client.
/// </summary>
internal sealed class SteadyCityScenario : IScenario
{
    private const string Scenario = "steady";
    private const int Poles = 50_000;
    private const int PolesPerConnection = 500;

    public string Name => Scenario;

    public async Task RunAsync(BenchmarkSettings settings, Report report, CancellationToken ct)
    {
        // The window starts once every pole has reported and the dashboard has settled; it covers at least two intervals.
        var warmup = TimeSpan.FromSeconds(5);
        var window = TimeSpan.FromSeconds(Math.Max(20, settings.Seconds));
        var conditions = string.Create(CultureInfo.InvariantCulture,
            $"{Poles:N0} generated poles, {PolesPerConnection} per gateway connection, 1 frame/pole/10 s, QoS 1; server: embedded broker + embedded store; 1 dashboard; {window.TotalSeconds:0} s window, {warmup.TotalSeconds:0} s after every pole had reported; simulator and dashboard on the same 2 cores");
        for (var run = 1; run <= settings.Runs; run++)
        {
            Console.WriteLine($"steady: run {run}/{settings.Runs}");
            var r = await LivePath.RunAsync("steady", Poles, clients: 1, warmup, window,
            [
                "--poles", Poles.ToString(CultureInfo.InvariantCulture), "--poles-per-connection", PolesPerConnection.ToString(CultureInfo.InvariantCulture),
                "--interval", "10s", "--qos", "1", "--seed", run.ToString(CultureInfo.InvariantCulture),
            ], ct);
            if (r.Problem is not null)
            {
                report.Note(Scenario, $"run {run}: {r.Problem}");
                continue;
            }

            report.Record(Scenario, "50k poles steady", "SmartPole server", "frames/s offered (simulator, whole run)", "frames/s", r.FramesPerSecond, conditions);
            report.Record(Scenario, "50k poles steady", "SmartPole server", "server CPU", "% of 2 cores", r.ServerCores / Environment.ProcessorCount * 100, conditions + "; goal ≤ 25 %");
            report.Record(Scenario, "50k poles steady", "SmartPole server", "latency samples (pole updates received)", "updates", r.Samples, conditions);
            report.Record(Scenario, "50k poles steady", "SmartPole server", "publish → SignalR p50", "ms", r.P50Ms, conditions);
            report.Record(Scenario, "50k poles steady", "SmartPole server", "publish → SignalR p99", "ms", r.P99Ms, conditions);
            NoteLostConnections(report, Scenario, run, r);
        }
    }

    /// <summary>A dashboard that lost its connection during the window makes the run's latency suspect: say so.</summary>
    internal static void NoteLostConnections(Report report, string scenario, int run, LivePath.Result r)
    {
        if (r.LostConnections > 0)
        {
            report.Note(scenario, $"run {run}: {r.LostConnections} dashboard connection(s) closed during the window");
        }
    }
}
