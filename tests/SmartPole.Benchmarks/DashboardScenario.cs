using System.Globalization;
using System.Text.Json;
using SmartPole.Testing;

namespace SmartPole.Benchmarks;

/// <summary>
/// Hub fan-out: the server (demo off) with <see cref="Connections"/> dashboards joined to one city
/// through the official @microsoft/signalr client under node, while the field simulator publishes
/// <see cref="Poles"/> poles once a second at QoS 0. Figures: hub messages and pole updates delivered
/// per second over all connections (and their share of every update to every connection), the server's CPU, and publish → client latency (frame timestamp,
/// stamped as the simulator publishes, to its arrival at one of the clients) p50 / p99.
/// </summary>
internal sealed class DashboardScenario : IScenario
{
    private const string Scenario = "dashboard";
    private const string City = "bench";
    private const int Connections = 200;
    private const int Poles = 200;

    public string Name => Scenario;

    public async Task RunAsync(BenchmarkSettings settings, Report report, CancellationToken ct)
    {
        // The two parts are independent: one failing must not hide the other's figures.
        foreach (var (part, run) in new (string, Func<Task>)[] { ("fan-out", () => FanOutAsync(settings, report, ct)), ("browser", () => BrowserAsync(settings, report, ct)) })
        {
            try
            {
                await run();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                report.Note(Scenario, $"{part} FAILED: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                Console.Error.WriteLine(e);
            }
        }
    }

    private static async Task FanOutAsync(BenchmarkSettings settings, Report report, CancellationToken ct)
    {
        // One node process is one core: the clients are spread over one process per core so that parsing
        // every update on every connection is not capped by a single event loop.
        var processes = Math.Clamp(Environment.ProcessorCount, 1, 4);
        var conditions = $"{Connections} SignalR connections (JS client, WebSockets, {processes} node processes), {Poles} poles × 1 frame/s QoS 0 from the simulator, " +
                         $"LiveFeed:FlushInterval 50 ms, demo off, dashboards join once every pole has reported, {settings.Seconds:0} s window after 3 s warm-up; all on one machine";
        for (var run = 1; run <= settings.Runs; run++)
        {
            await using var server = await ServerProcess.StartAsync("--Logging:LogLevel:Default=Warning");
            await using var simulator = ManagedProcess.Start("dotnet",
            [
                RepoPaths.BuiltDll("simulators", "SmartPole.Simulator"), "--broker", server.MqttUrl.ToString(), "--city", City,
                "--poles", Poles.ToString(CultureInfo.InvariantCulture), "--interval", "1s", "--duration", "900s", "--qos", "0",
                "--poles-per-connection", "50",
            ]);

            // Joined before the poles exist, every dashboard would take the first burst of the whole city at once.
            await WaitFor.ConditionAsync(async () => await LivePath.PolesReportedAsync(server, City, ct) >= Poles,
                TimeSpan.FromMinutes(2), () => $"not all {Poles} poles of '{City}' reported within 2 minutes");
            var nodeDirectory = Path.GetDirectoryName(RealPeer.NodeModules)!;
            var dashboards = Enumerable.Range(0, processes).Select(i => ManagedProcess.Start(RealPeer.Node,
            [
                "signalr-latency.mjs", server.BaseUrl.ToString(), City,
                (Connections / processes + (i < Connections % processes ? 1 : 0)).ToString(CultureInfo.InvariantCulture),
                "3", settings.Seconds.ToString("0", CultureInfo.InvariantCulture),
            ], nodeDirectory)).ToList();
            try
            {
                foreach (var dashboard in dashboards)
                {
                    await dashboard.WaitForLineAsync(l => l.StartsWith("joined", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
                }

                await Task.Delay(TimeSpan.FromSeconds(3), ct);
                var cpuBefore = ProcessStats.CpuSeconds(server.ProcessId);
                var clientCpuBefore = dashboards.Sum(d => ProcessStats.CpuSeconds(d.Id));
                var started = TimeProvider.System.GetTimestamp();
                await Task.Delay(settings.Window, ct);
                var seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
                var serverCpu = (ProcessStats.CpuSeconds(server.ProcessId) - cpuBefore) / seconds * 100;
                var clientCpu = (dashboards.Sum(d => ProcessStats.CpuSeconds(d.Id)) - clientCpuBefore) / seconds * 100;
                var results = new List<JsonElement>();
                foreach (var dashboard in dashboards)
                {
                    var code = await dashboard.WaitForExitAsync(TimeSpan.FromSeconds(120));
                    var line = dashboard.Lines.LastOrDefault(l => l.StartsWith('{'))
                        ?? throw new InvalidOperationException($"a dashboard process exited with {code}: {string.Join(" | ", dashboard.Lines.TakeLast(3))}");
                    results.Add(JsonDocument.Parse(line).RootElement);
                }

                // Each process counts over its own window (a starved event loop stretches it): rates per process, summed.
                double Rate(string name) => results.Sum(r => r.GetProperty(name).GetDouble() / r.GetProperty("seconds").GetDouble());
                const string subject = "SmartPole hub";
                report.Record(Scenario, "fan-out", subject, "hub messages delivered", "msg/s", Rate("messages"), conditions);
                report.Record(Scenario, "fan-out", subject, "pole updates delivered", "updates/s", Rate("samples"), conditions);
                report.Record(Scenario, "fan-out", subject, "pole updates delivered ÷ offered (poles/s × connections)", "%", Rate("samples") / (Poles * Connections) * 100, conditions);
                report.Record(Scenario, "fan-out", subject, "server CPU (whole process: broker, ingest, actors, hub)", "% of one core", serverCpu, conditions);
                report.Record(Scenario, "fan-out", subject, "node clients CPU", "% of one core", clientCpu, conditions);
                report.Record(Scenario, "fan-out", subject, "node clients' longest event-loop lag", "ms", results.Max(r => r.GetProperty("maxLagMs").GetDouble()), conditions);
                report.Record(Scenario, "fan-out", subject, "connections lost", "count", results.Sum(r => r.GetProperty("lostConnections").GetDouble()), conditions);
                if (results.All(r => r.GetProperty("samples").GetInt64() > 0))
                {
                    // Percentiles do not add up across processes: the worst process's is given.
                    report.Record(Scenario, "publish → client", subject, "latency p50 (worst node process)", "ms", results.Max(r => r.GetProperty("p50Ms").GetDouble()), conditions);
                    report.Record(Scenario, "publish → client", subject, "latency p99 (worst node process)", "ms", results.Max(r => r.GetProperty("p99Ms").GetDouble()), conditions);
                }
            }
            finally
            {
                foreach (var dashboard in dashboards)
                {
                    await dashboard.DisposeAsync();
                }
            }
        }
    }

    private static async Task BrowserAsync(BenchmarkSettings settings, Report report, CancellationToken ct)
    {
        const string browserConditions = "Debian Chromium headless, software rendering (--disable-gpu), 1920×1080; 10,000 poles with coordinates, each pole's new state once a second " +
                                         "in 50 ms batches of 500 through the page's hub handler (generated in the page, not over the network); window after 1 s settle";
        for (var run = 1; run <= settings.Runs; run++)
        {
            await using var server = await ServerProcess.StartAsync("--Logging:LogLevel:Default=Warning");
            var r = await BrowserFrames.MeasureAsync(new Uri(server.BaseUrl, $"?city={City}"), settings.Seconds, ct);
            const string subject = "dashboard page";
            report.Record(Scenario, "browser, 10,000 poles at 1 update/s", subject, "render() time p50", "ms", r.GetProperty("renderP50").GetDouble(), browserConditions);
            report.Record(Scenario, "browser, 10,000 poles at 1 update/s", subject, "render() time p99", "ms", r.GetProperty("renderP99").GetDouble(), browserConditions);
            report.Record(Scenario, "browser, 10,000 poles at 1 update/s", subject, "frame interval p50", "ms", r.GetProperty("gapP50").GetDouble(), browserConditions);
            report.Record(Scenario, "browser, 10,000 poles at 1 update/s", subject, "frame interval p99", "ms", r.GetProperty("gapP99").GetDouble(), browserConditions);
            report.Record(Scenario, "browser, 10,000 poles at 1 update/s", subject, "longest frame interval", "ms", r.GetProperty("gapMax").GetDouble(), browserConditions);
        }
    }
}
