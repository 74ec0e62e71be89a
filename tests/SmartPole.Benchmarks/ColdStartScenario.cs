using System.Diagnostics;
using System.Globalization;
using SmartPole.Mqtt;
using SmartPole.Testing;

namespace SmartPole.Benchmarks;

/// <summary>
/// Cold start: from starting the server process (<c>dotnet SmartPole.Server.dll</c>, demo off, empty data
/// folder, embedded store) to HTTP 200 on /health/ready and to an MQTT CONNACK from its broker.
/// </summary>
internal sealed class ColdStartScenario : IScenario
{
    private const string Scenario = "coldstart";

    public string Name => Scenario;

    public async Task RunAsync(BenchmarkSettings settings, Report report, CancellationToken ct)
    {
        var server = RepoPaths.BuiltDll("src", "SmartPole.Server");
        const string conditions = "dotnet SmartPole.Server.dll, Release, demo off, empty Storage:DataDirectory, embedded store; polled every 10 ms";
        for (var run = 1; run <= settings.Runs; run++)
        {
            using var data = new TempDirectory("bench-coldstart");
            var httpPort = FreePort.Next();
            var mqttPort = FreePort.Next();
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var clock = Stopwatch.StartNew();
            await using var process = ManagedProcess.Start("dotnet",
            [
                server, "--urls", $"http://127.0.0.1:{httpPort}", $"--Mqtt:Port={mqttPort}", "--Mqtt:AllowAnonymous=true",
                "--Demo:Enabled=false", $"--Storage:DataDirectory={data.Path}",
            ], workingDirectory: data.Path);
            var ready = WaitReadyAsync(http, httpPort, clock, process, ct);
            var connack = WaitConnAckAsync(mqttPort, clock, process, ct);
            var readySeconds = await ready;
            var connackSeconds = await connack;
            report.Record(Scenario, "process start → ready", "SmartPole server", "HTTP 200 on /health/ready", "s", readySeconds, conditions);
            report.Record(Scenario, "process start → ready", "SmartPole server", "MQTT CONNACK", "s", connackSeconds, conditions);
            report.Record(Scenario, "process start → ready", "SmartPole server", "both", "s", Math.Max(readySeconds, connackSeconds), conditions);
        }
    }

    private static async Task<double> WaitReadyAsync(HttpClient http, int port, Stopwatch clock, ManagedProcess process, CancellationToken ct)
    {
        var url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/health/ready");
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            ThrowIfExited(process);
            try
            {
                using var response = await http.GetAsync(url, ct);
                if (response.IsSuccessStatusCode)
                {
                    return clock.Elapsed.TotalSeconds;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(10, ct);
        }

        throw new TimeoutException($"the server was not ready within 60 s: {process.Output}");
    }

    private static async Task<double> WaitConnAckAsync(int port, Stopwatch clock, ManagedProcess process, CancellationToken ct)
    {
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            ThrowIfExited(process);
            await using var client = new MqttClient(new MqttClientOptions { Host = "127.0.0.1", Port = port, ClientId = "coldstart", ConnectTimeout = TimeSpan.FromSeconds(2) });
            try
            {
                await client.ConnectAsync(ct);
                return clock.Elapsed.TotalSeconds;
            }
            catch (MqttConnectException)
            {
            }

            await Task.Delay(10, ct);
        }

        throw new TimeoutException($"the broker sent no CONNACK within 60 s: {process.Output}");
    }

    private static void ThrowIfExited(ManagedProcess process)
    {
        if (process.Exited.IsCompleted)
        {
            throw new InvalidOperationException($"the server exited during startup: {process.Output}");
        }
    }
}
