using System.Net.Http.Json;
using System.Text.Json;

namespace SmartPole.Testing;

/// <summary>
/// The SmartPole server as a real process on free loopback ports, with its own data folder. Built
/// output is started with <c>dotnet</c>, as an operator would run it.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly TempDirectory _data;
    private readonly ManagedProcess _process;

    private ServerProcess(TempDirectory data, ManagedProcess process, int httpPort, int mqttPort)
    {
        _data = data;
        _process = process;
        HttpPort = httpPort;
        MqttPort = mqttPort;
        Http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>HTTP port (dashboard, REST, hub).</summary>
    public int HttpPort { get; }

    /// <summary>Embedded broker TCP port.</summary>
    public int MqttPort { get; }

    /// <summary>e.g. http://127.0.0.1:PORT/.</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{HttpPort}/");

    /// <summary>e.g. mqtt://127.0.0.1:PORT.</summary>
    public Uri MqttUrl => new($"mqtt://127.0.0.1:{MqttPort}");

    /// <summary>The server's Storage:DataDirectory.</summary>
    public string DataDirectory => _data.Path;

    /// <summary>A client for the REST API.</summary>
    public HttpClient Http { get; }

    /// <summary>The server's process id (for CPU and memory readings from /proc).</summary>
    public int ProcessId => _process.Id;

    /// <summary>What the server logged.</summary>
    public string Output => _process.Output;

    /// <summary>
    /// Starts the server (demo off, anonymous MQTT on) and waits until /health/ready answers 200.
    /// <paramref name="settings"/> are extra <c>--Key=value</c> settings.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(params string[] settings)
    {
        var data = new TempDirectory("smartpole-server");
        var httpPort = FreePort.Next();
        var mqttPort = FreePort.Next();
        string[] arguments =
        [
            RepoPaths.BuiltDll("src", "SmartPole.Server"),
            "--urls", $"http://127.0.0.1:{httpPort}",
            $"--Mqtt:Port={mqttPort}",
            "--Mqtt:AllowAnonymous=true",
            "--Demo:Enabled=false",
            $"--Storage:DataDirectory={data.Path}",
            .. settings,
        ];
        var process = ManagedProcess.Start("dotnet", arguments, workingDirectory: data.Path);
        var server = new ServerProcess(data, process, httpPort, mqttPort);
        await server.WaitReadyAsync();
        return server;
    }

    /// <summary>GETs <paramref name="path"/> and parses the JSON answer.</summary>
    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {path} answered {(int)response.StatusCode}: {body}");
        }

        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _process.DisposeAsync();
        _data.Dispose();
    }

    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (_process.Exited.IsCompleted)
            {
                throw new InvalidOperationException($"The server exited during startup. Its output:\n{_process.Output}");
            }

            try
            {
                using var response = await Http.GetAsync("health/ready");
                if (response.IsSuccessStatusCode)
                {
                    var readiness = await response.Content.ReadFromJsonAsync<JsonElement>();
                    if (readiness.GetProperty("mqttPort").GetInt32() == MqttPort)
                    {
                        return;
                    }
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The server was not ready within 30 s. Its output:\n{_process.Output}");
            }

            await Task.Delay(100);
        }
    }
}
