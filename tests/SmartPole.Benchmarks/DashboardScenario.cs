using System.Globalization;
using System.Text.Json;
using SmartPole.Testing;

namespace SmartPole.Benchmarks;

/// <summary>
/// Hub fan-out: the server (demo off) with <see cref="Connections"/> dashboards joined to one city
/// through the official @microsoft/signalr client under node, while the field simulator publishes
/// <see cref="Poles"/> poles once a second at QoS 0. Figures: hub messages and pole updates delivered
/// per second over all connections, the server's CPU, and publish → client latency (frame timestamp,
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
        var conditions = $"{Connections} SignalR connections (JS client, WebSockets, one node process), {Poles} poles × 1 frame/s QoS 0 from the simulator, " +
                         $"LiveFeed:FlushInterval 50 ms, demo off, {settings.Seconds:0} s window after 3 s warm-up; all on one machine";
        for (var run = 1; run <= settings.Runs; run++)
        {
            await using var server = await ServerProcess.StartAsync("--Logging:LogLevel:Default=Warning");
            var serverPid = server.ProcessId;
            var baseUrl = server.BaseUrl.ToString();
            await using var clients = ManagedProcess.Start(RealPeer.Node,
            [
                Path.Combine(RepoPaths.Root, "tests", "SmartPole.Benchmarks", "dashboard-clients.mjs"),
                RealPeer.NodeModules, baseUrl, City, Connections.ToString(CultureInfo.InvariantCulture),
            ]);
            await clients.WaitForLineAsync(l => l.StartsWith("ready", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            var duration = (settings.Seconds + 8).ToString("0", CultureInfo.InvariantCulture) + "s";
            await using var simulator = ManagedProcess.Start("dotnet",
            [
                RepoPaths.BuiltDll("simulators", "SmartPole.Simulator"), "--broker", server.MqttUrl.ToString(), "--city", City,
                "--poles", Poles.ToString(CultureInfo.InvariantCulture), "--interval", "1s", "--duration", duration, "--qos", "0",
                "--poles-per-connection", "50",
            ]);
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            await clients.WriteLineAsync("start");
            var cpuBefore = ProcessStats.CpuSeconds(serverPid);
            var clientCpuBefore = ProcessStats.CpuSeconds(clients.Id);
            var started = System.Diagnostics.Stopwatch.StartNew();
            await Task.Delay(settings.Window, ct);
            await clients.WriteLineAsync("report");
            var line = await clients.WaitForLineAsync(l => l.StartsWith("{\"connections\"", StringComparison.Ordinal), TimeSpan.FromSeconds(90));
            var seconds = started.Elapsed.TotalSeconds;
            var serverCpu = (ProcessStats.CpuSeconds(serverPid) - cpuBefore) / seconds * 100;
            var clientCpu = (ProcessStats.CpuSeconds(clients.Id) - clientCpuBefore) / seconds * 100;
            await clients.WriteLineAsync("stop");
            using var result = JsonDocument.Parse(line);
            var r = result.RootElement;
            var window = r.GetProperty("seconds").GetDouble();
            const string subject = "SmartPole hub";
            report.Record(Scenario, "fan-out", subject, "hub messages delivered", "msg/s", r.GetProperty("messages").GetDouble() / window, conditions);
            report.Record(Scenario, "fan-out", subject, "pole updates delivered", "updates/s", r.GetProperty("updates").GetDouble() / window, conditions);
            report.Record(Scenario, "fan-out", subject, "server CPU (whole process: broker, ingest, actors, hub)", "% of one core", serverCpu, conditions);
            report.Record(Scenario, "fan-out", subject, "node clients CPU", "% of one core", clientCpu, conditions);
            if (r.GetProperty("p50").ValueKind == JsonValueKind.Number)
            {
                report.Record(Scenario, "publish → client", subject, "latency p50", "ms", r.GetProperty("p50").GetDouble(), conditions);
                report.Record(Scenario, "publish → client", subject, "latency p99", "ms", r.GetProperty("p99").GetDouble(), conditions);
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
