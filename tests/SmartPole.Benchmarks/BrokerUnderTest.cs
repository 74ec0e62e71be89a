using System.Globalization;
using SmartPole.Testing;

namespace SmartPole.Benchmarks;

/// <summary>
/// A broker in its own process on a free loopback port: ours (the <c>broker-host</c> sub-command of this
/// program) or Debian's Mosquitto, with matching limits and no persistence (both keep sessions in memory and
/// acknowledge QoS 1 without touching the disk).
/// </summary>
internal sealed class BrokerUnderTest : IAsyncDisposable
{
    private readonly ManagedProcess _process;
    private readonly TempDirectory? _dir;
    private int _gcRequests;

    private BrokerUnderTest(string name, ManagedProcess process, int port, TempDirectory? dir)
    {
        Name = name;
        _process = process;
        Port = port;
        _dir = dir;
    }

    public const string Ours = "SmartPole";

    public const string Mosquitto = "mosquitto";

    /// <summary>"SmartPole" or "mosquitto".</summary>
    public string Name { get; }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public long ResidentBytes => ProcessStats.ResidentBytes(_process.Id);

    public double CpuSeconds => ProcessStats.CpuSeconds(_process.Id);

    /// <summary>True once the broker process has ended (crashed, for a broker under load).</summary>
    public bool HasExited => _process.Exited.IsCompleted;

    public static Task<BrokerUnderTest> StartAsync(string name) => name == Ours ? StartOursAsync() : StartMosquittoAsync();

    /// <summary>Our broker only: the managed heap after a forced full collection, in bytes.</summary>
    public async Task<long> ManagedHeapAfterGcAsync()
    {
        var id = Interlocked.Increment(ref _gcRequests).ToString(CultureInfo.InvariantCulture);
        await _process.WriteLineAsync("gc " + id);
        var prefix = $"heap {id} ";
        var line = await _process.WaitForLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        return long.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _dir?.Dispose();
    }

    private static async Task<BrokerUnderTest> StartOursAsync()
    {
        var port = FreePort.Next();
        var self = typeof(BrokerHost).Assembly.Location;
        var process = ManagedProcess.Start("dotnet", [self, "broker-host", "--port", port.ToString(CultureInfo.InvariantCulture)]);
        await process.WaitForLineAsync(l => l.StartsWith("listening ", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        return new BrokerUnderTest(Ours, process, port, null);
    }

    private static async Task<BrokerUnderTest> StartMosquittoAsync()
    {
        var dir = new TempDirectory("bench-mosquitto");
        var port = FreePort.Next();
        var config = Path.Combine(dir.Path, "mosquitto.conf");
        // Limits matched to MqttBrokerOptions' defaults: 32 in flight and 1,000 queued per client.
        await File.WriteAllLinesAsync(config,
        [
            $"listener {port} 127.0.0.1",
            "allow_anonymous true",
            "persistence false",
            "log_dest stdout",
            "log_type error",
            "log_type warning",
            "max_inflight_messages 32",
            "max_queued_messages 1000",
        ]);
        var process = ManagedProcess.Start(RealPeer.Mosquitto, ["-c", config]);
        await WaitFor.PortAsync(port, TimeSpan.FromSeconds(10), () => process.Output);
        return new BrokerUnderTest(Mosquitto, process, port, dir);
    }
}
