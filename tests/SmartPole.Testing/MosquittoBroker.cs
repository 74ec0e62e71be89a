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
        if (Environment.IsPrivilegedProcess)
        {
            // Started as root, Mosquitto drops to the "mosquitto" user, which cannot write this root-owned
            // folder: persistence would fail silently and a restart would keep nothing. Keep the test's user.
            lines.Add("user root");
        }

        lines.AddRange(extraConfig);
        await File.WriteAllLinesAsync(config, lines);
        var process = await LaunchAsync(config, port);
        return new MosquittoBroker(dir, port, process);
    }

    /// <summary>
    /// Stops Mosquitto and starts it again on the same port with the same persistence. By default a crash
    /// (SIGKILL: what it had not saved yet is gone); <paramref name="graceful"/> = SIGTERM, after which it
    /// saves its sessions, queued and in-flight messages before it exits, as <c>systemctl restart</c> does.
    /// </summary>
    public async Task RestartAsync(TimeSpan downtime = default, bool graceful = false)
    {
        if (graceful)
        {
            await TerminateAsync();
        }
        else
        {
            _process.Kill();
        }

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

    private async Task TerminateAsync()
    {
        await using (var kill = ManagedProcess.Start(RealPeer.Require("kill", "apt-get install -y procps", "/usr/bin/kill"), ["-TERM", $"{_process.Id}"]))
        {
            await kill.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        await _process.Exited.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task<ManagedProcess> LaunchAsync(string config, int port)
    {
        var process = ManagedProcess.Start(RealPeer.Mosquitto, ["-c", config]);
        await WaitFor.PortAsync(port, TimeSpan.FromSeconds(10), () => process.Output);
        return process;
    }
}
