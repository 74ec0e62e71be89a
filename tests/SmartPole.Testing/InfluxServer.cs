using System.Net.Http.Json;
using System.Text.Json;

namespace SmartPole.Testing;

/// <summary>A real Debian influxd (1.x) on a free loopback port with its own temporary folder.</summary>
public sealed class InfluxServer : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private readonly HttpClient _http;
    private ManagedProcess _process;

    private InfluxServer(TempDirectory dir, int port, ManagedProcess process)
    {
        _dir = dir;
        Port = port;
        _process = process;
        _http = new HttpClient { BaseAddress = Url };
    }

    /// <summary>The HTTP port.</summary>
    public int Port { get; }

    /// <summary>Base URL, e.g. http://127.0.0.1:PORT/.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}/");

    /// <summary>What influxd logged.</summary>
    public string Output => _process.Output;

    /// <summary>Starts influxd and waits until /ping answers.</summary>
    public static async Task<InfluxServer> StartAsync()
    {
        var dir = new TempDirectory("influxd");
        var port = FreePort.Next();
        var bindPort = FreePort.Next();
        var config = Path.Combine(dir.Path, "influxdb.conf");
        await File.WriteAllTextAsync(config, $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{bindPort}"

            [meta]
              dir = "{dir.Path}/meta"

            [data]
              dir = "{dir.Path}/data"
              wal-dir = "{dir.Path}/wal"
              query-log-enabled = false
              trace-logging-enabled = false

            [http]
              enabled = true
              bind-address = "127.0.0.1:{port}"
              log-enabled = false
              max-body-size = 0

            [monitor]
              store-enabled = false

            [subscriber]
              enabled = false

            [continuous_queries]
              enabled = false
            """);
        var process = ManagedProcess.Start(RealPeer.Influxd, ["-config", config]);
        var server = new InfluxServer(dir, port, process);
        await server.WaitReadyAsync();
        return server;
    }

    /// <summary>Runs an InfluxQL statement through /query and returns the raw JSON document.</summary>
    public async Task<JsonDocument> QueryAsync(string influxQl, string? database = null)
    {
        var url = $"query?q={Uri.EscapeDataString(influxQl)}" + (database is null ? "" : $"&db={Uri.EscapeDataString(database)}");
        using var response = await _http.PostAsync(url, content: null);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonDocument>() ?? throw new InvalidOperationException("empty /query answer");
    }

    /// <summary>Creates a database.</summary>
    public async Task CreateDatabaseAsync(string name) => (await QueryAsync($"CREATE DATABASE \"{name}\"")).Dispose();

    /// <summary>Counts the points of <paramref name="measurement"/> (its field <paramref name="field"/>).</summary>
    public async Task<long> CountAsync(string database, string measurement, string field)
    {
        using var doc = await QueryAsync($"SELECT COUNT(\"{field}\") FROM \"{measurement}\"", database);
        var result = doc.RootElement.GetProperty("results")[0];
        if (!result.TryGetProperty("series", out var series))
        {
            return 0;
        }

        return series[0].GetProperty("values")[0][1].GetInt64();
    }

    /// <summary>Kills influxd (SIGKILL): an outage as the writer sees it.</summary>
    public async Task StopAsync()
    {
        _process.Kill();
        await _process.DisposeAsync();
    }

    /// <summary>Starts influxd again on the same port and data.</summary>
    public async Task StartAgainAsync()
    {
        _process = ManagedProcess.Start(RealPeer.Influxd, ["-config", Path.Combine(_dir.Path, "influxdb.conf")]);
        await WaitReadyAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
        _dir.Dispose();
    }

    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var response = await _http.GetAsync("ping");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !_process.Exited.IsCompleted)
            {
            }

            if (DateTime.UtcNow >= deadline || _process.Exited.IsCompleted)
            {
                throw new TimeoutException($"influxd did not answer /ping. Its output:\n{_process.Output}");
            }

            await Task.Delay(100);
        }
    }
}
