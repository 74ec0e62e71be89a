using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using SmartPole.Simulation;
using SmartPole.Testing;

namespace SmartPole.Server.Tests;

/// <summary>The embedded broker in secured mode, driven by Debian's mosquitto_pub and mosquitto_sub as field gateways would.</summary>
public sealed class TenancyBrokerTests(TenancyServer server) : IClassFixture<TenancyServer>, IAsyncLifetime
{
    private const string Poles = "pole_id,lat,lon,device_id,kind\r\np-1,22.54,113.95,lamp-1,lighting\r\np-2,22.55,113.95,lamp-1,lighting\r\n";
    private const string Frame = """{"ts":"2026-11-21T12:00:00.000Z","seq":1,"devices":[{"id":"lamp-1","kind":"lighting","m":{"on":true,"dimPct":80,"powerW":96.5}}]}""";

    private static int s_next;

    private string _a = "";
    private string _b = "";
    private CityManifest _manifest = null!;

    public async Task InitializeAsync()
    {
        var n = Interlocked.Increment(ref s_next);
        _a = $"mqtt-a{n}";
        _b = $"mqtt-b{n}";
        await server.CreateCityAsync(_a);
        await server.CreateCityAsync(_b);
        await server.ImportAsync(_a, Poles);
        await server.ImportAsync(_b, Poles);
        using var admin = server.Client(server.AdminKey);
        using var response = await admin.PostAsync($"/api/cities/{_a}/manifest", null);
        _manifest = CityManifest.Parse(await response.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_pole_credential_publishes_its_own_telemetry_and_the_pole_reports()
    {
        var own = _manifest.Credentials["p-1"];

        var exit = await PublishAsync(own.Username, own.Password, $"sp/{_a}/p-1/telemetry", Frame);

        Assert.Equal(0, exit.Code);
        using var admin = server.Client(server.AdminKey);
        await WaitFor.ConditionAsync(
            async () => (await admin.GetFromJsonAsync<JsonElement>($"/api/cities/{_a}/poles/p-1")).GetRawText().Contains("96.5", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20),
            () => "pole p-1 never showed the published frame");
    }

    [Fact]
    public async Task Publishing_as_another_pole_or_into_another_city_is_refused_and_audited()
    {
        var own = _manifest.Credentials["p-1"];

        await PublishAsync(own.Username, own.Password, $"sp/{_b}/p-1/telemetry", Frame);
        await PublishAsync(own.Username, own.Password, $"sp/{_a}/p-2/telemetry", Frame);

        var other = await server.AuditAsync(_b);
        var same = await server.AuditAsync(_a);
        Assert.Contains(other, e => IsRefused(e, "mqtt.publish", $"sp/{_b}/p-1/telemetry"));
        Assert.Contains(same, e => IsRefused(e, "mqtt.publish", $"sp/{_a}/p-2/telemetry"));
        using var admin = server.Client(server.AdminKey);
        var victim = await admin.GetFromJsonAsync<JsonElement>($"/api/cities/{_b}/poles/p-1");
        Assert.DoesNotContain("96.5", victim.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribing_to_another_poles_commands_or_everything_is_refused_and_audited()
    {
        var own = _manifest.Credentials["p-1"];

        var stranger = await SubscribeOnceAsync(own.Username, own.Password, $"sp/{_a}/p-2/cmd/#");
        var everything = await SubscribeOnceAsync(own.Username, own.Password, "sp/#");

        Assert.Contains("denied", stranger, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("denied", everything, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(await server.AuditAsync(_a), e => IsRefused(e, "mqtt.subscribe", $"sp/{_a}/p-2/cmd/#"));
    }

    [Fact]
    public async Task A_wrong_password_or_no_credentials_cannot_connect_and_is_audited()
    {
        var own = _manifest.Credentials["p-2"];

        var wrong = await PublishAsync(own.Username, own.Password + "x", $"sp/{_a}/p-2/telemetry", Frame);
        var none = await PublishAsync(null, null, $"sp/{_a}/p-2/telemetry", Frame);

        Assert.NotEqual(0, wrong.Code);
        Assert.Contains("bad user name or password", wrong.Output, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(0, none.Code);
        Assert.Contains(await server.AuditAsync(_a), e => e.GetProperty("action").GetString() == "mqtt.connect" && e.GetProperty("actor").GetString() == own.Username);
        Assert.DoesNotContain(await server.AuditAsync(_a), e => e.GetRawText().Contains(own.Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_gateway_with_the_provisioning_key_receives_its_credential_on_its_own_topic()
    {
        using var admin = server.Client(server.AdminKey);
        var key = await (await admin.PostAsync($"/api/cities/{_b}/provisioning/key", null)).Content.ReadFromJsonAsync<JsonElement>();
        using var allow = await admin.PostAsJsonAsync($"/api/cities/{_b}/provisioning/allow", new { poles = new[] { "p-1", "p-2" } });
        var username = key.GetProperty("username").GetString()!;
        var secret = key.GetProperty("key").GetString()!;
        // stdbuf: mosquitto_sub block-buffers its trace into a pipe, and the SUBACK line is the signal to publish.
        await using var answer = ManagedProcess.Start(RealPeer.Require("stdbuf", "apt-get install -y coreutils", "/usr/bin/stdbuf"),
            ["-oL", RealPeer.MosquittoSub, "-h", "127.0.0.1", "-p", Port, "-q", "1", "-i", "gw-new", "-u", username, "-P", secret, "-t", $"sp/{_b}/provision/gw-new", "-C", "1", "-W", "20", "-d"]);
        await answer.WaitForLineAsync(l => l.Contains("SUBACK", StringComparison.Ordinal), TimeSpan.FromSeconds(15));

        var request = JsonSerializer.Serialize(new { requestId = "gw-new", provisionKey = secret, poles = new[] { "p-1", "p-2" } });
        var published = await PublishAsync(username, secret, $"sp/{_b}/provision", request);
        var line = await answer.WaitForLineAsync(l => l.StartsWith('{'), TimeSpan.FromSeconds(20));
        var issued = JsonDocument.Parse(line).RootElement;

        Assert.Equal(0, published.Code);
        Assert.True(issued.GetProperty("ok").GetBoolean(), line);
        Assert.Equal($"{_b}.gw.gw-new", issued.GetProperty("username").GetString());
        var gateway = await PublishAsync(issued.GetProperty("username").GetString(), issued.GetProperty("password").GetString(), $"sp/{_b}/p-2/telemetry", Frame);
        Assert.Equal(0, gateway.Code);
    }

    private string Port => server.MqttPort.ToString(CultureInfo.InvariantCulture);

    private static bool IsRefused(JsonElement entry, string action, string topic) =>
        entry.GetProperty("action").GetString() == action && entry.GetProperty("outcome").GetString() == "refused"
        && entry.GetProperty("detail").GetString()!.StartsWith(topic, StringComparison.Ordinal);

    private async Task<(int Code, string Output)> PublishAsync(string? username, string? password, string topic, string payload)
    {
        List<string> arguments = ["-h", "127.0.0.1", "-p", Port, "-q", "1", "-t", topic, "-m", payload];
        if (username is not null)
        {
            arguments.AddRange(["-u", username, "-P", password!]);
        }

        await using var publisher = ManagedProcess.Start(RealPeer.MosquittoPub, arguments);
        var code = await publisher.WaitForExitAsync(TimeSpan.FromSeconds(15));
        return (code, publisher.Output);
    }

    private async Task<string> SubscribeOnceAsync(string username, string password, string filter)
    {
        await using var subscriber = ManagedProcess.Start(RealPeer.MosquittoSub,
            ["-h", "127.0.0.1", "-p", Port, "-q", "1", "-u", username, "-P", password, "-t", filter, "-W", "5", "-d"]);
        await subscriber.WaitForExitAsync(TimeSpan.FromSeconds(15));
        return subscriber.Output;
    }
}
