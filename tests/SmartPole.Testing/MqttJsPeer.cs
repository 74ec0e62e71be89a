using System.Text.Json;

namespace SmartPole.Testing;

/// <summary>
/// MQTT.js (npm <c>mqtt</c>) driven through tests/node/mqtt-peer.mjs: a real third-party client over
/// mqtt:// or ws://. Commands go in as JSON lines; every event MQTT.js reports (connect, message,
/// each packet sent and received, errors, close) comes back as a JSON line a test can await.
/// </summary>
public sealed class MqttJsPeer : IAsyncDisposable
{
    /// <summary>How long a command or an awaited event may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private readonly ManagedProcess _process;
    private int _nextId;

    private MqttJsPeer(ManagedProcess process) => _process = process;

    /// <summary>What the process wrote so far, for failure messages.</summary>
    public string Output => _process.Output;

    /// <summary>
    /// Starts MQTT.js connecting to <paramref name="url"/> (e.g. mqtt://127.0.0.1:1883 or ws://127.0.0.1:8080/mqtt)
    /// with MQTT.js connect <paramref name="options"/> (e.g. new { clientId = "a", protocolVersion = 5 }), and waits for
    /// its CONNACK unless <paramref name="waitForConnect"/> is false.
    /// </summary>
    public static async Task<MqttJsPeer> StartAsync(string url, object? options = null, bool waitForConnect = true)
    {
        var nodeModules = RealPeer.NodeModules;
        var process = ManagedProcess.Start(RealPeer.Node,
            ["mqtt-peer.mjs", url, JsonSerializer.Serialize(options ?? new { }, Json)],
            Path.GetDirectoryName(nodeModules));
        var peer = new MqttJsPeer(process);
        if (waitForConnect)
        {
            try
            {
                await peer.WaitForAsync(e => IsEvent(e, "connect") || IsEvent(e, "error") || IsEvent(e, "close"));
                if (!peer.Events("connect").Any())
                {
                    throw new InvalidOperationException($"MQTT.js did not connect to {url}:\n{peer.Output}");
                }
            }
            catch
            {
                await peer.DisposeAsync();
                throw;
            }
        }

        return peer;
    }

    /// <summary>Sends one command (op plus its fields) and returns its completion event.</summary>
    public async Task<JsonElement> CommandAsync(string op, object? fields = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var command = JsonSerializer.SerializeToNode(fields ?? new { }, Json)!.AsObject();
        command["op"] = op;
        command["id"] = id;
        await _process.WriteLineAsync(command.ToJsonString());
        return await WaitForAsync(e => e.TryGetProperty("id", out var seen) && seen.ValueKind == JsonValueKind.Number && seen.GetInt32() == id);
    }

    /// <summary>Subscribes and returns the granted QoS per filter (128 = refused).</summary>
    public async Task<int[]> SubscribeAsync(string filter, object? options = null)
    {
        var done = Expect(await CommandAsync("subscribe", new { filter, options = options ?? new { qos = 1 } }), "subscribed");
        return done.GetProperty("granted").EnumerateArray().Select(g => g.GetInt32()).ToArray();
    }

    /// <summary>Publishes and returns once MQTT.js reports it done (after PUBACK / PUBCOMP for QoS 1 / 2).</summary>
    public async Task PublishAsync(string topic, string payload, object? options = null) =>
        Expect(await CommandAsync("publish", new { topic, payload, options = options ?? new { qos = 1 } }), "published");

    /// <summary>
    /// Waits for the <paramref name="occurrence"/>-th event (counting every one since start) that satisfies
    /// <paramref name="match"/>.
    /// </summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, int occurrence = 1, TimeSpan? timeout = null)
    {
        var seen = 0;
        var line = await _process.WaitForLineAsync(l => TryParse(l) is { } e && match(e) && ++seen == occurrence, timeout ?? Timeout);
        return TryParse(line)!.Value;
    }

    /// <summary>Waits for the <paramref name="occurrence"/>-th message received on <paramref name="topic"/>.</summary>
    public Task<JsonElement> MessageAsync(string topic, int occurrence = 1) =>
        WaitForAsync(e => IsEvent(e, "message") && e.GetProperty("topic").GetString() == topic, occurrence);

    /// <summary>Every event of one kind written so far ("message", "packet", …).</summary>
    public IReadOnlyList<JsonElement> Events(string kind) =>
        _process.Lines.Select(TryParse).Where(e => e is { } v && IsEvent(v, kind)).Select(e => e!.Value).ToList();

    /// <summary>Every packet MQTT.js sent ("out") or received ("in") so far, with its command name.</summary>
    public IReadOnlyList<JsonElement> Packets(string direction, string cmd) =>
        Events("packet").Where(p => p.GetProperty("dir").GetString() == direction && p.GetProperty("cmd").GetString() == cmd).ToList();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private JsonElement Expect(JsonElement done, string kind) =>
        IsEvent(done, kind) ? done : throw new InvalidOperationException($"MQTT.js answered {done} instead of '{kind}':\n{Output}");

    /// <summary>True when <paramref name="e"/> is an event of <paramref name="kind"/>.</summary>
    public static bool IsEvent(JsonElement e, string kind) =>
        e.TryGetProperty("event", out var name) && name.GetString() == kind;

    private static JsonElement? TryParse(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
