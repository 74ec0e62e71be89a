using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SmartPole.Mqtt;
using SmartPole.Testing;

namespace SmartPole.EndToEnd.Tests;

/// <summary>
/// Bridge mode (<c>Mqtt:ExternalBroker</c>) end to end: the real server joins Debian's Mosquitto as a client,
/// with no embedded broker; poles publish to Mosquitto, operators use the REST API.
/// </summary>
public sealed class BridgeModeTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly List<IAsyncDisposable> _owned = [];
    private MosquittoBroker _mosquitto = null!;

    public async Task InitializeAsync() => _mosquitto = Own(await MosquittoBroker.StartAsync());

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
    }

    [Fact]
    public async Task Frames_published_to_mosquitto_make_poles_visible_through_rest()
    {
        var server = Own(await BridgeServer.StartAsync(_mosquitto.Port));

        await MosquittoPub.PublishAsync(_mosquitto.Port, "sp/bridge/pole-1/telemetry", Frame(1, 42.5));
        await MosquittoPub.PublishAsync(_mosquitto.Port, "sp/bridge/pole-2/telemetry", Frame(1, 17.0));
        var poles = await server.WaitForJsonAsync("api/cities/bridge/poles", p => p.GetArrayLength() == 2);
        var pole1 = await server.WaitForJsonAsync("api/cities/bridge/poles/pole-1", p => p.GetProperty("pole").GetProperty("seq").GetInt64() == 1);

        Assert.Equal(["pole-1", "pole-2"], poles.EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.Contains("\"pm25\":42.5", pole1.GetProperty("devices").GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(server.Output.Split('\n'), l => l.Contains("SmartPole MQTT: mqtt://", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_command_posted_through_rest_reaches_a_subscriber_on_mosquitto_and_its_ack_comes_back()
    {
        var server = Own(await BridgeServer.StartAsync(_mosquitto.Port));
        await MosquittoPub.PublishAsync(_mosquitto.Port, "sp/bridge/pole-9/telemetry", Frame(1, 10));
        await server.WaitForJsonAsync("api/cities/bridge/poles/pole-9", p => p.GetProperty("pole").GetProperty("seq").GetInt64() == 1);
        var gateway = Own(await MosquittoSubscriber.StartAsync(_mosquitto.Port, "sp/bridge/pole-9/cmd/+"));

        using var posted = await server.Http.PostAsJsonAsync("api/cities/bridge/poles/pole-9/commands", new { device = "lamp-1", action = "dim", args = new { pct = 30 } });
        var id = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var delivered = await gateway.WaitForMessagesAsync(m => m.StartsWith($"sp/bridge/pole-9/cmd/{id} ", StringComparison.Ordinal), 1, Patience);
        await MosquittoPub.PublishAsync(_mosquitto.Port, $"sp/bridge/pole-9/cmd/{id}/ack", """{"ok":true,"detail":"dimmed"}""");
        var acked = await server.WaitForJsonAsync($"api/cities/bridge/poles/pole-9/commands/{id}", c => c.GetProperty("status").GetString() == "acked");

        Assert.Contains("\"action\":\"dim\"", delivered[0], StringComparison.Ordinal);
        Assert.Equal("acked", acked.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ingestion_resumes_after_mosquitto_restarts_mid_stream()
    {
        var server = Own(await BridgeServer.StartAsync(_mosquitto.Port));
        var gateway = new MqttClient(new MqttClientOptions
        {
            Port = _mosquitto.Port,
            ClientId = "gateway-r",
            CleanSession = false,
            AutoReconnect = true,
            ReconnectDelay = TimeSpan.FromMilliseconds(50),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(400),
        });
        _owned.Add(gateway);
        await gateway.ConnectAsync();

        // Frames never pause: some are in flight when Mosquitto stops, more wait while it is down, and the
        // stream goes on for 100 more once it is back. The bridge's session keeps what came meanwhile.
        const int before = 100;
        Task? restart = null;
        var inFlight = new Queue<Task>();
        var sent = 0;
        var sentAfterRestart = 0;
        while (sentAfterRestart < 100)
        {
            if (sent == before)
            {
                restart = _mosquitto.RestartAsync(TimeSpan.FromMilliseconds(500), graceful: true);
            }

            if (restart is { IsCompleted: true })
            {
                sentAfterRestart++;
            }

            sent++;
            inFlight.Enqueue(gateway.PublishAsync(new MqttApplicationMessage("sp/bridge/pole-r/telemetry", Encoding.UTF8.GetBytes(Frame(sent, sent)), MqttQualityOfService.AtLeastOnce)));
            if (inFlight.Count == 10)
            {
                await inFlight.Dequeue().WaitAsync(Patience);
            }
        }

        await restart!;
        await Task.WhenAll(inFlight).WaitAsync(Patience);
        var pole = await server.WaitForJsonAsync("api/cities/bridge/poles/pole-r", p => p.GetProperty("pole").GetProperty("seq").GetInt64() == sent);
        var health = await server.GetJsonAsync("health/ready");

        // Every frame reached the pole, in order: a frame overtaken by a later one would count as lost
        // (and be dropped as old). The gateway's client writes the requests that waited for a reconnect in
        // the order they were made, however many callers wake at once.
        Assert.Equal(sent, pole.GetProperty("pole").GetProperty("seq").GetInt64());
        Assert.Equal(0, pole.GetProperty("pole").GetProperty("lostFrames").GetInt64());
        Assert.Equal("ready", health.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("5", "p5")]
    [InlineData("4", "p2")]
    public async Task The_bridge_speaks_the_configured_mqtt_version_to_mosquitto(string version, string mosquittoSays)
    {
        // Mosquitto logs each client's protocol (p2 = MQTT 3.1.1, p5 = MQTT 5.0); its log file is written
        // line by line, where its stdout into a pipe is block-buffered.
        using var logs = new TempDirectory("mosquitto-log");
        var log = Path.Combine(logs.Path, "mosquitto.log");
        var mosquitto = Own(await MosquittoBroker.StartAsync($"log_dest file {log}"));
        var server = Own(await BridgeServer.StartAsync(mosquitto.Port, settings: [$"--Mqtt:Bridge:ProtocolVersion={version}"]));

        await MosquittoPub.PublishAsync(mosquitto.Port, "sp/bridge/pole-v/telemetry", Frame(1, 3));
        await server.WaitForJsonAsync("api/cities/bridge/poles/pole-v", p => p.GetProperty("pole").GetProperty("seq").GetInt64() == 1);

        Assert.Contains(await File.ReadAllLinesAsync(log), l => l.Contains($"as smartpole-e2e ({mosquittoSays}, c0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_gateway_provisions_itself_through_mosquitto_in_bridge_mode()
    {
        var server = Own(await BridgeServer.StartAsync(_mosquitto.Port));
        using var admin = server.Admin();
        using var created = await admin.PostAsJsonAsync("api/tenancy/cities", new
        {
            id = "prov",
            nameZh = "试点",
            nameEn = "Pilot",
            timeZone = "Asia/Shanghai",
            bounds = new { south = 22.4, west = 113.7, north = 22.9, east = 114.6 },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        using var imported = await admin.PostAsync("api/cities/prov/import", new StringContent("pole_id,lat,lon,device_id,kind\r\np-1,22.54,113.95,lamp-1,lighting\r\n", Encoding.UTF8, "text/csv"));
        Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
        using var keyed = await admin.PostAsync("api/cities/prov/provisioning/key", null);
        var secret = (await keyed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        using var allowed = await admin.PostAsJsonAsync("api/cities/prov/provisioning/allow", new { poles = new[] { "p-1" } });
        Assert.True(allowed.IsSuccessStatusCode, await allowed.Content.ReadAsStringAsync());
        var answer = Own(await MosquittoSubscriber.StartAsync(_mosquitto.Port, "sp/prov/provision/gw-bridge"));

        await MosquittoPub.PublishAsync(_mosquitto.Port, "sp/prov/provision", JsonSerializer.Serialize(new { requestId = "gw-bridge", provisionKey = secret, poles = new[] { "p-1" } }));
        var answered = await answer.WaitForMessagesAsync(m => m.StartsWith("sp/prov/provision/gw-bridge ", StringComparison.Ordinal), 1, Patience);
        var issued = JsonDocument.Parse(answered[0][(answered[0].IndexOf(' ', StringComparison.Ordinal) + 1)..]).RootElement;

        Assert.True(issued.GetProperty("ok").GetBoolean(), answered[0]);
        Assert.Equal("prov.gw.gw-bridge", issued.GetProperty("username").GetString());
        Assert.False(string.IsNullOrEmpty(issued.GetProperty("password").GetString()));
    }

    [Fact]
    public async Task The_demo_city_runs_against_the_external_broker_when_there_is_no_embedded_one()
    {
        var telemetry = Own(await MosquittoSubscriber.StartAsync(_mosquitto.Port, "sp/shenzhen/+/telemetry"));

        var server = Own(await BridgeServer.StartAsync(_mosquitto.Port, settings: ["--Demo:Enabled=true", "--Demo:Interval=00:00:02"]));
        await telemetry.WaitForMessagesAsync(m => m.StartsWith("sp/shenzhen/", StringComparison.Ordinal), 10, Patience);
        static int Reporting(JsonElement poles) => poles.EnumerateArray().Count(q => q.GetProperty("lastSeen").ValueKind == JsonValueKind.String);
        var poles = await server.WaitForJsonAsync("api/cities/shenzhen/poles", p => Reporting(p) >= 10);

        Assert.True(Reporting(poles) >= 10, $"{Reporting(poles)} poles reporting");
        Assert.Contains(server.Output.Split('\n'), l => l.Contains($"on mqtt://127.0.0.1:{_mosquitto.Port}", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Output.Split('\n'), l => l.Contains("Demo mode needs a broker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_external_broker_leaves_the_platform_up_and_degraded_until_it_answers()
    {
        var port = FreePort.Next();
        var server = Own(await BridgeServer.StartAsync(port, requireConnected: false));

        var degraded = await server.WaitForJsonAsync("health/ready", h => h.GetProperty("status").GetString() == "degraded");
        var late = Own(await MosquittoBroker.StartAsync($"listener {port} 127.0.0.1"));
        await server.WaitForJsonAsync("health/ready", h => h.GetProperty("status").GetString() == "ready");
        await MosquittoPub.PublishAsync(late.Port, "sp/bridge/pole-late/telemetry", Frame(1, 5));
        await server.WaitForJsonAsync("api/cities/bridge/poles/pole-late", p => p.GetProperty("pole").GetProperty("seq").GetInt64() == 1);

        Assert.False(degraded.GetProperty("externalBroker").GetProperty("connected").GetBoolean());
        Assert.Contains(server.Output.Split('\n'), l => l.Contains("cannot reach the external MQTT broker", StringComparison.Ordinal) && l.Contains("Mqtt:ExternalBroker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Beside_the_embedded_broker_both_brokers_feed_the_platform_and_commands_go_out_through_both()
    {
        var embeddedPort = FreePort.Next();
        var server = Own(await BridgeServer.StartAsync(_mosquitto.Port, settings: ["--Mqtt:Enabled=true", $"--Mqtt:Port={embeddedPort}", "--Mqtt:AllowAnonymous=true"]));
        await MosquittoPub.PublishAsync(_mosquitto.Port, "sp/bridge/pole-ext/telemetry", Frame(1, 1));
        await MosquittoPub.PublishAsync(embeddedPort, "sp/bridge/pole-emb/telemetry", Frame(1, 2));
        var poles = await server.WaitForJsonAsync("api/cities/bridge/poles", p => p.GetArrayLength() == 2);
        var onMosquitto = Own(await MosquittoSubscriber.StartAsync(_mosquitto.Port, "sp/bridge/pole-emb/cmd/+"));
        var onEmbedded = Own(await MosquittoSubscriber.StartAsync(embeddedPort, "sp/bridge/pole-emb/cmd/+"));

        using var posted = await server.Http.PostAsJsonAsync("api/cities/bridge/poles/pole-emb/commands", new { device = "lamp-1", action = "on" });
        var id = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        bool Command(string m) => m.StartsWith($"sp/bridge/pole-emb/cmd/{id} ", StringComparison.Ordinal);
        await onMosquitto.WaitForMessagesAsync(Command, 1, Patience);
        await onEmbedded.WaitForMessagesAsync(Command, 1, Patience);

        Assert.Equal(["pole-emb", "pole-ext"], poles.EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.Contains(server.Output.Split('\n'), l => l.Contains($"SmartPole MQTT: mqtt://localhost:{embeddedPort}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_platform_nodes_in_one_shared_group_split_the_poles_messages()
    {
        var first = Own(await BridgeServer.StartAsync(_mosquitto.Port, settings: ["--Mqtt:Bridge:ClientId=node-a", "--Mqtt:Bridge:SharedGroup=platform"]));
        var second = Own(await BridgeServer.StartAsync(_mosquitto.Port, settings: ["--Mqtt:Bridge:ClientId=node-b", "--Mqtt:Bridge:SharedGroup=platform"]));

        for (var i = 0; i < 20; i++)
        {
            await MosquittoPub.PublishAsync(_mosquitto.Port, $"sp/bridge/pole-{i}/telemetry", Frame(1, i));
        }

        var seenByFirst = new HashSet<string>();
        var seenBySecond = new HashSet<string>();
        await WaitFor.ConditionAsync(
            async () =>
            {
                seenByFirst = await PoleIdsAsync(first);
                seenBySecond = await PoleIdsAsync(second);
                return seenByFirst.Count + seenBySecond.Count >= 20;
            },
            Patience,
            () => $"node-a has {seenByFirst.Count}, node-b {seenBySecond.Count} of 20 poles");

        Assert.Equal(20, seenByFirst.Union(seenBySecond).Count());
        Assert.Empty(seenByFirst.Intersect(seenBySecond));
        Assert.NotEmpty(seenByFirst);
        Assert.NotEmpty(seenBySecond);
    }

    private static async Task<HashSet<string>> PoleIdsAsync(BridgeServer server)
    {
        using var response = await server.Http.GetAsync("api/cities/bridge/poles");
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }

        var poles = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. poles.EnumerateArray().Select(p => p.GetProperty("id").GetString()!)];
    }

    private static string Frame(long seq, double pm25)
    {
        var ts = DateTimeOffset.UtcNow.AddMilliseconds(seq).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $$$"""{"ts":"{{{ts}}}","seq":{{{seq}}},"devices":[{"id":"env-1","kind":"environment","m":{"pm25":{{{pm25}}}}}]}""");
    }

    private T Own<T>(T disposable)
        where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    /// <summary>The server as a process in bridge mode only (no embedded broker), with its own data folder.</summary>
    private sealed class BridgeServer : IAsyncDisposable
    {
        private readonly TempDirectory _data;
        private readonly ManagedProcess _process;

        private BridgeServer(TempDirectory data, ManagedProcess process, int httpPort)
        {
            _data = data;
            _process = process;
            Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(30) };
        }

        public HttpClient Http { get; }

        public string Output => _process.Output;

        /// <summary>A REST client with the platform admin's key (the server writes it to its data folder at first start).</summary>
        public HttpClient Admin()
        {
            var client = new HttpClient { BaseAddress = Http.BaseAddress, Timeout = Http.Timeout };
            var file = Path.Combine(_data.Path, "admin-key.txt");
            if (File.Exists(file))
            {
                client.DefaultRequestHeaders.Add("X-Api-Key", File.ReadAllText(file).Trim());
            }

            return client;
        }

        /// <summary>Starts the server bridged to Mosquitto on <paramref name="brokerPort"/>; waits until it is ready (connected, or at least serving HTTP).</summary>
        public static async Task<BridgeServer> StartAsync(int brokerPort, bool requireConnected = true, string[]? settings = null)
        {
            var data = new TempDirectory("smartpole-bridge");
            var httpPort = FreePort.Next();
            var process = ManagedProcess.Start("dotnet",
            [
                RepoPaths.BuiltDll("src", "SmartPole.Server"),
                "--urls", $"http://127.0.0.1:{httpPort}",
                $"--Mqtt:ExternalBroker=mqtt://127.0.0.1:{brokerPort}",
                "--Mqtt:Bridge:ClientId=smartpole-e2e",
                "--Mqtt:Bridge:ReconnectDelay=00:00:00.100",
                "--Mqtt:Bridge:MaxReconnectDelay=00:00:00.500",
                "--Demo:Enabled=false",
                // Open mode: these tests are about bridging; the poles of the external broker are in no registry.
                "--Mqtt:AllowAnonymous=true",
                $"--Storage:DataDirectory={data.Path}",
                .. settings ?? [],
            ], workingDirectory: data.Path);
            var server = new BridgeServer(data, process, httpPort);
            await server.WaitForJsonAsync("health/ready", h => !requireConnected || h.GetProperty("status").GetString() == "ready");
            return server;
        }

        /// <summary>GETs <paramref name="path"/> until it answers 2xx with JSON that satisfies <paramref name="condition"/>.</summary>
        public async Task<JsonElement> WaitForJsonAsync(string path, Func<JsonElement, bool> condition)
        {
            JsonElement last = default;
            await WaitFor.ConditionAsync(
                async () =>
                {
                    if (_process.Exited.IsCompleted)
                    {
                        throw new InvalidOperationException($"The server exited. Its output:\n{Output}");
                    }

                    try
                    {
                        using var response = await Http.GetAsync(path);
                        if (!response.IsSuccessStatusCode)
                        {
                            return false;
                        }

                        last = await response.Content.ReadFromJsonAsync<JsonElement>();
                        return condition(last);
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                Patience,
                () => $"GET {path} last answered {last}. Server output:\n{Output}");
            return last;
        }

        public async Task<JsonElement> GetJsonAsync(string path) => await Http.GetFromJsonAsync<JsonElement>(path);

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await _process.DisposeAsync();
            _data.Dispose();
        }
    }
}
