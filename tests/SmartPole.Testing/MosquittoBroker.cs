namespace SmartPole.Testing;

/// <summary>A real Debian Mosquitto on a free loopback port with its own temporary folder.</summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private ManagedProcess _process;

    private MosquittoBroker(TempDirectory dir, int port, ManagedProcess process)
    {
        _dir = dir;
        Port = port;
        _process = process;
    }

    /// <summary>The TCP port Mosquitto listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>What Mosquitto logged.</summary>
    public string Output => _process.Output;

    /// <summary>Starts Mosquitto; <paramref name="extraConfig"/> lines are appended to its config.</summary>
    public static async Task<MosquittoBroker> StartAsync(params string[] extraConfig)
    {
        var dir = new TempDirectory("mosquitto");
        var port = FreePort.Next();
        var config = Path.Combine(dir.Path, "mosquitto.conf");
        var lines = new List<string>
        {
            $"listener {port} 127.0.0.1",
            "allow_anonymous true",
            "persistence true",
            $"persistence_location {dir.Path}/",
            "autosave_interval 1",
            "log_dest stdout",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "max_queued_messages 100000",
        };
        lines.AddRange(extraConfig);
        await File.WriteAllLinesAsync(config, lines);
        var process = await LaunchAsync(config, port);
        return new MosquittoBroker(dir, port, process);
    }

    /// <summary>Kills Mosquitto (SIGKILL) and starts it again on the same port with the same persistence.</summary>
    public async Task RestartAsync(TimeSpan downtime = default)
    {
        _process.Kill();
        await _process.DisposeAsync();
        if (downtime > TimeSpan.Zero)
        {
            await Task.Delay(downtime);
        }

        _process = await LaunchAsync(Path.Combine(_dir.Path, "mosquitto.conf"), Port);
    }

    /// <summary>Stops the broker without starting it again.</summary>
    public async Task StopAsync()
    {
        _process.Kill();
        await _process.DisposeAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _dir.Dispose();
    }

    private static async Task<ManagedProcess> LaunchAsync(string config, int port)
    {
        var process = ManagedProcess.Start(RealPeer.Mosquitto, ["-c", config]);
        await WaitFor.PortAsync(port, TimeSpan.FromSeconds(10), () => process.Output);
        return process;
    }
}
