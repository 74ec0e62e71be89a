using System.Globalization;
using System.Text.Json;
using SmartPole.Testing;

namespace SmartPole.Benchmarks;

/// <summary>
/// One run of the whole live path: our server (embedded broker, embedded store), the simulator as the field,
/// and dashboards on the official SignalR client under node measuring publish → dashboard latency
/// (arrival minus the frame's own timestamp) while the server's CPU is read from /proc.
/// </summary>
internal static class LivePath
{
    /// <summary>What one run saw.</summary>
    public sealed record Result(double ServerCores, double FramesPerSecond, long Samples, double P50Ms, double P99Ms, double MaxMs, int LostConnections, string? Problem);

    /// <summary>
    /// Starts the server and the simulator with <paramref name="simulatorArguments"/>, waits until all
    /// <paramref name="poles"/> have reported, joins <paramref name="clients"/> dashboards, and after
    /// <paramref name="warmup"/> takes latency and CPU over <paramref name="window"/>; then stops the simulator
    /// with Ctrl+C (SIGINT) so it writes its summary.
    /// </summary>
    public static async Task<Result> RunAsync(string city, int poles, int clients, TimeSpan warmup, TimeSpan window, IReadOnlyList<string> simulatorArguments, CancellationToken ct)
    {
        using var work = new TempDirectory("bench-live");
        await using var server = await ServerProcess.StartAsync("--Logging:LogLevel:Default=Warning");
        var summaryFile = Path.Combine(work.Path, "summary.json");
        // Long enough for any start-up; the run is ended by SIGINT once the window is over.
        var duration = TimeSpan.FromMinutes(15);
        string[] arguments =
        [
            RepoPaths.BuiltDll("simulators", "SmartPole.Simulator"), "--broker", server.MqttUrl.ToString(), "--city", city,
            "--duration", WholeSeconds(duration) + "s", "--summary", summaryFile, .. simulatorArguments,
        ];
        await using var simulator = ManagedProcess.Start("dotnet", arguments);

        // Dashboards join once every pole of the city has reported (a gateway connection carries hundreds).
        await WaitFor.ConditionAsync(async () => await PolesReportedAsync(server, city, ct) >= poles,
            TimeSpan.FromMinutes(3), () => $"not all {poles:N0} poles of '{city}' reported within 3 minutes");
        var nodeDirectory = Path.GetDirectoryName(RealPeer.NodeModules)!;
        await using var dashboards = ManagedProcess.Start(RealPeer.Node,
            ["signalr-latency.mjs", server.BaseUrl.ToString(), city, clients.ToString(CultureInfo.InvariantCulture), WholeSeconds(warmup), WholeSeconds(window)], nodeDirectory);

        await dashboards.WaitForLineAsync(l => l.StartsWith("joined", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        await Task.Delay(warmup, ct);
        var cpuBefore = ProcessStats.CpuSeconds(server.ProcessId);
        var started = TimeProvider.System.GetTimestamp();
        await Task.Delay(window, ct);
        var cores = (ProcessStats.CpuSeconds(server.ProcessId) - cpuBefore) / TimeProvider.System.GetElapsedTime(started).TotalSeconds;

        var code = await dashboards.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var line = dashboards.Lines.LastOrDefault(l => l.StartsWith('{'));
        if (line is null)
        {
            return new Result(cores, double.NaN, 0, double.NaN, double.NaN, double.NaN, 0, $"the dashboards exited with {code}: {string.Join(" | ", dashboards.Lines.TakeLast(3))}");
        }

        await using (var interrupt = ManagedProcess.Start("kill", ["-INT", simulator.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        await simulator.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var framesPerSecond = double.NaN;
        if (File.Exists(summaryFile))
        {
            using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryFile, ct));
            framesPerSecond = summary.RootElement.GetProperty("framesSent").GetInt64() / summary.RootElement.GetProperty("elapsedSeconds").GetDouble();
        }

        using var measured = JsonDocument.Parse(line);
        var m = measured.RootElement;
        return new Result(
            cores,
            framesPerSecond,
            m.GetProperty("samples").GetInt64(),
            m.GetProperty("p50Ms").GetDouble(),
            m.GetProperty("p99Ms").GetDouble(),
            m.GetProperty("maxMs").GetDouble(),
            m.GetProperty("lostConnections").GetInt32(),
            null);
    }

    /// <summary>How many poles of <paramref name="city"/> the server has registered (X-Total-Count of its pole list).</summary>
    internal static async Task<int> PolesReportedAsync(ServerProcess server, string city, CancellationToken ct)
    {
        using var response = await server.Http.GetAsync(new Uri($"api/cities/{city}/poles?limit=1", UriKind.Relative), ct);
        return response.IsSuccessStatusCode && response.Headers.TryGetValues("X-Total-Count", out var total)
            ? int.Parse(total.First(), CultureInfo.InvariantCulture)
            : 0;
    }

    private static string WholeSeconds(TimeSpan span) => Math.Ceiling(span.TotalSeconds).ToString("0", CultureInfo.InvariantCulture);
}
