using System.Text.Json;
using SmartPole.Testing;

namespace SmartPole.EndToEnd.Tests;

/// <summary>
/// One real run of the whole path, shared by the tests that check it: the server on free ports
/// (embedded broker and store, demo off), an MQTT.js subscriber and a @microsoft/signalr client as
/// independent witnesses, and the field simulator publishing 50 poles at QoS 1 for a few seconds.
/// </summary>
public sealed class CityRunFixture : IAsyncLifetime
{
    public const string City = "e2e";
    public const int Poles = 50;

    private ManagedProcess? _hubWatcher;

    public ServerProcess Server { get; private set; } = null!;

    /// <summary>The simulator's --summary file.</summary>
    public JsonElement Summary { get; private set; }

    /// <summary>Messages the MQTT.js witness received.</summary>
    public long WitnessCount { get; private set; }

    /// <summary>The last frame the witness saw per pole.</summary>
    public Dictionary<string, JsonElement> LastFrames { get; } = [];

    /// <summary>Lines of the e2e city in the embedded store's files once they stopped growing.</summary>
    public IReadOnlyList<string> StoreLines { get; private set; } = [];

    /// <summary>Poles the SignalR client received updates for.</summary>
    public HashSet<string> HubPoles { get; } = [];

    public async Task InitializeAsync()
    {
        var node = RealPeer.Node;
        var nodeDir = Path.GetDirectoryName(RealPeer.NodeModules)!;
        Server = await ServerProcess.StartAsync();

        await using var witness = ManagedProcess.Start(node, ["mqtt-count.mjs", Server.MqttUrl.ToString(), $"sp/{City}/+/telemetry", "1"], nodeDir);
        await witness.WaitForLineAsync(l => l == "ready", TimeSpan.FromSeconds(15));
        _hubWatcher = ManagedProcess.Start(node, ["signalr-watch.mjs", Server.BaseUrl.ToString(), City], nodeDir);
        await _hubWatcher.WaitForLineAsync(l => l.StartsWith("joined", StringComparison.Ordinal), TimeSpan.FromSeconds(15));

        using var work = new TempDirectory("e2e-sim");
        var summaryFile = Path.Combine(work.Path, "summary.json");
        await using (var simulator = ManagedProcess.Start("dotnet",
        [
            RepoPaths.BuiltDll("simulators", "SmartPole.Simulator"),
            "--broker", Server.MqttUrl.ToString(), "--city", City, "--poles", Poles.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--interval", "1s", "--duration", "5s", "--qos", "1", "--seed", "7", "--summary", summaryFile,
        ]))
        {
            var exit = await simulator.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.True(exit == 0, $"simulator exited with {exit}:\n{simulator.Output}");
        }

        Summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryFile)).RootElement.Clone();

        await witness.WriteLineAsync("report");
        var report = await witness.WaitForLineAsync(l => l.StartsWith("{\"count\"", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        using (var doc = JsonDocument.Parse(report))
        {
            WitnessCount = doc.RootElement.GetProperty("count").GetInt64();
            foreach (var last in doc.RootElement.GetProperty("last").EnumerateObject())
            {
                LastFrames[last.Name.Split('/')[2]] = last.Value.Clone();
            }
        }

        StoreLines = await WaitForStableStoreLinesAsync(Summary.GetProperty("lines").GetInt64());

        await WaitFor.ConditionAsync(
            () => Task.FromResult(CollectHubPoles() >= Poles),
            TimeSpan.FromSeconds(30),
            () => $"SignalR client saw {HubPoles.Count} poles:\n{_hubWatcher.Output}\nServer output:\n{Server.Output}");
    }

    public async Task DisposeAsync()
    {
        if (_hubWatcher is not null)
        {
            await _hubWatcher.DisposeAsync();
        }

        await Server.DisposeAsync();
    }

    private int CollectHubPoles()
    {
        foreach (var line in _hubWatcher!.Lines)
        {
            if (line.StartsWith("update ", StringComparison.Ordinal))
            {
                HubPoles.Add(line.Split(' ')[1]);
            }
        }

        return HubPoles.Count;
    }

    // The store flushes on its own schedule: wait until it holds at least the expected lines, then
    // read once more after a pause so that extra (duplicate) lines would show too.
    private async Task<IReadOnlyList<string>> WaitForStableStoreLinesAsync(long expected)
    {
        await WaitFor.ConditionAsync(
            () => Task.FromResult(ReadStoreLines().Count >= expected),
            TimeSpan.FromSeconds(20),
            () => $"store holds {ReadStoreLines().Count} of {expected} lines; server output:\n{Server.Output}");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        return ReadStoreLines();
    }

    private List<string> ReadStoreLines()
    {
        var folder = Path.Combine(Server.DataDirectory, "series");
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var lines = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.lp"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Contains($",city={City},", StringComparison.Ordinal))
                {
                    lines.Add(line);
                }
            }
        }

        return lines;
    }
}
