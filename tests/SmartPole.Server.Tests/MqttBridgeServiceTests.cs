using SmartPole.Mqtt;
using SmartPole.Server.Ingest;
using SmartPole.Testing;

namespace SmartPole.Server.Tests;

public sealed class MqttBridgeServiceTests
{
    [Fact]
    public void Client_options_come_from_the_broker_url_and_the_bridge_settings()
    {
        var edge = new MqttEdgeOptions { ExternalBroker = "mqtts://platform:s3cret@broker.city.example" };
        var bridge = new MqttBridgeOptions { ClientId = "node-7", Username = "svc-platform", PersistentSession = true, MaxReconnectDelay = TimeSpan.FromSeconds(4) };

        var options = MqttBridgeService.ClientOptions(edge, bridge);

        Assert.Equal(("broker.city.example", 8883, true), (options.Host, options.Port, options.UseTls));
        Assert.Equal(("node-7", "svc-platform", "s3cret"), (options.ClientId, options.Username, options.Password));
        Assert.False(options.CleanSession);
        Assert.True(options.AutoReconnect);
        Assert.Equal(TimeSpan.FromSeconds(4), options.MaxReconnectDelay);
    }

    [Fact]
    public void The_bridge_speaks_mqtt_5_with_a_session_that_outlives_the_connection_unless_told_otherwise()
    {
        var edge = new MqttEdgeOptions { ExternalBroker = "mqtt://broker" };

        var byDefault = MqttBridgeService.ClientOptions(edge, new MqttBridgeOptions());
        var older = MqttBridgeService.ClientOptions(edge, new MqttBridgeOptions { ProtocolVersion = MqttProtocolVersion.V311 });
        var forgetful = MqttBridgeService.ClientOptions(edge, new MqttBridgeOptions { PersistentSession = false });

        Assert.Equal((MqttProtocolVersion.V500, false, uint.MaxValue), (byDefault.ProtocolVersion, byDefault.CleanSession, byDefault.SessionExpiryInterval));
        Assert.Equal(MqttProtocolVersion.V311, older.ProtocolVersion);
        Assert.Equal((true, 0u), (forgetful.CleanSession, forgetful.SessionExpiryInterval));
        Assert.False(new MqttBridgeOptions { ProtocolVersion = (MqttProtocolVersion)3 }.HasValidProtocolVersion);
    }

    [Fact]
    public void A_shared_group_puts_every_contract_topic_under_share()
    {
        var plain = MqttBridgeService.FiltersFor(new MqttBridgeOptions());
        var shared = MqttBridgeService.FiltersFor(new MqttBridgeOptions { SharedGroup = "platform" });

        Assert.Equal(["sp/+/+/telemetry", "sp/+/+/events", "sp/+/+/status", "sp/+/+/cmd/+/ack", "sp/+/provision"], plain);
        Assert.Equal(plain.Select(f => $"$share/platform/{f}"), shared);
    }

    [Theory]
    [InlineData("mqtt://broker:1883", true)]
    [InlineData("mqtts://broker", true)]
    [InlineData("tcp://10.0.0.5:1883", true)]
    [InlineData("http://broker", false)]
    [InlineData("broker:1883", false)]
    [InlineData("not a url", false)]
    public void Broker_urls_are_checked(string url, bool valid) =>
        Assert.Equal(valid, MqttBridgeService.IsValidBrokerUrl(url));

    [Fact]
    public void Bridge_mode_turns_the_embedded_broker_off_unless_it_is_asked_for()
    {
        var embeddedOnly = new MqttEdgeOptions();
        var bridgeOnly = new MqttEdgeOptions { ExternalBroker = "mqtt://broker" };
        var both = new MqttEdgeOptions { ExternalBroker = "mqtt://broker", Enabled = true };

        Assert.Equal((true, false), (embeddedOnly.EmbeddedBroker, embeddedOnly.BridgeMode));
        Assert.Equal((false, true), (bridgeOnly.EmbeddedBroker, bridgeOnly.BridgeMode));
        Assert.Equal((true, true), (both.EmbeddedBroker, both.BridgeMode));
    }

    [Fact]
    public async Task A_malformed_external_broker_stops_startup_naming_the_setting()
    {
        using var data = new TempDirectory();

        await using var server = ManagedProcess.Start("dotnet",
            [RepoPaths.BuiltDll("src", "SmartPole.Server"), "--Demo:Enabled=false", $"--Storage:DataDirectory={data.Path}", "--urls", $"http://127.0.0.1:{FreePort.Next()}", "--Mqtt:ExternalBroker=http://broker"],
            data.Path);
        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(2, exit);
        Assert.Contains(server.Lines, l => l.Contains("Mqtt:ExternalBroker", StringComparison.Ordinal));
    }
}
