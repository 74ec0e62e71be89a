using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SmartPole.Server.Ingest;
using SmartPole.Server.Tenancy;
using SmartPole.Testing;

namespace SmartPole.Server.Tests;

/// <summary>Bridge mode in secured mode: frames from the external broker (Debian's Mosquitto) pass the registry and the topic ACL first.</summary>
public sealed class TenancyBridgeTests
{
    private const string Frame = """{"ts":"2026-11-21T12:00:00.000Z","seq":1,"devices":[{"id":"lamp-1","kind":"lighting","m":{"on":true,"dimPct":80,"powerW":96.5}}]}""";

    [Fact]
    public async Task A_bridged_frame_of_a_pole_the_registry_does_not_know_is_dropped_counted_and_audited_while_a_registered_pole_is_ingested()
    {
        await using var mosquitto = await MosquittoBroker.StartAsync();
        var server = new TenancyServer(("Mqtt:ExternalBroker", $"mqtt://127.0.0.1:{mosquitto.Port}"), ("Mqtt:Enabled", "true"));
        await server.InitializeAsync();
        try
        {
            await server.CreateCityAsync("bridge-a");
            await server.ImportAsync("bridge-a", "pole_id,lat,lon,device_id,kind\r\np-1,22.54,113.95,lamp-1,lighting\r\n");
            var bridge = server.Services.GetRequiredService<MqttBridgeService>();
            await WaitFor.ConditionAsync(() => Task.FromResult(bridge.IsConnected), TimeSpan.FromSeconds(20), () => "the bridge never subscribed at Mosquitto: " + bridge.LastError);

            await PublishAsync(mosquitto.Port, "sp/bridge-a/p-9/telemetry");
            await PublishAsync(mosquitto.Port, "sp/elsewhere/p-1/telemetry");
            await PublishAsync(mosquitto.Port, "sp/bridge-a/p-1/telemetry");

            using var admin = server.Client(server.AdminKey);
            await WaitFor.ConditionAsync(
                async () => (await admin.GetFromJsonAsync<JsonElement>("/api/cities/bridge-a/poles/p-1")).GetRawText().Contains("96.5", StringComparison.Ordinal),
                TimeSpan.FromSeconds(20),
                () => "the registered pole's bridged frame was never ingested");
            var guard = server.Services.GetRequiredService<BridgeGuard>();
            await WaitFor.ConditionAsync(() => Task.FromResult(guard.Dropped >= 2), TimeSpan.FromSeconds(10), () => $"dropped {guard.Dropped} bridged frames, expected 2");
            var poles = await admin.GetFromJsonAsync<JsonElement>("/api/cities/bridge-a/poles");
            Assert.DoesNotContain("p-9", poles.GetRawText(), StringComparison.Ordinal);
            Assert.Contains(await server.AuditAsync("bridge-a"), e =>
                e.GetProperty("action").GetString() == "bridge.publish" && e.GetProperty("detail").GetString()!.StartsWith("sp/bridge-a/p-9/telemetry", StringComparison.Ordinal));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task PublishAsync(int port, string topic)
    {
        await using var publisher = ManagedProcess.Start(RealPeer.MosquittoPub, ["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-q", "1", "-t", topic, "-m", Frame]);
        Assert.Equal(0, await publisher.WaitForExitAsync(TimeSpan.FromSeconds(15)));
    }
}
