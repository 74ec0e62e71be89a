using System.Text;
using Microsoft.Extensions.Logging;
using SmartPole.Testing;
using Xunit.Abstractions;

namespace SmartPole.Mqtt.Tests;

/// <summary><see cref="MqttBrokerOptions.PersistencePath"/>: retained messages and persistent sessions across a broker restart.</summary>
public sealed class MqttBrokerPersistenceTests(ITestOutputHelper output)
{
    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Retained_message_and_a_persistent_sessions_queued_qos1_message_survive_a_restart()
    {
        using var dir = new TempDirectory("mqtt-persist");
        var path = Path.Combine(dir.Path, "broker.state");
        await using (var before = await BrokerFixture.StartAsync(o => o.PersistencePath = path, output: output))
        {
            var keeper = await before.ConnectAsync("keeper", o => o.CleanSession = false);
            await keeper.SubscribeAsync("cmd/#", MqttQualityOfService.AtLeastOnce);
            await keeper.DisconnectAsync();
            var publisher = await before.ConnectAsync("publisher");
            await publisher.PublishAsync(new MqttApplicationMessage("status/pole-1", Bytes("online"), MqttQualityOfService.AtLeastOnce, Retain: true));
            await publisher.PublishAsync(new MqttApplicationMessage("cmd/dim", Bytes("40"), MqttQualityOfService.AtLeastOnce));
        }

        await using var after = await BrokerFixture.StartAsync(o => o.PersistencePath = path, output: output);
        await using var resumed = new MqttClient(new MqttClientOptions { Port = after.Port, ClientId = "keeper", CleanSession = false });
        var queued = Inbox.For(resumed);
        await resumed.ConnectAsync();
        var command = await queued.NextAsync();
        var watcher = await after.ConnectAsync("watcher");
        var retained = Inbox.For(watcher);
        await watcher.SubscribeAsync("status/#", MqttQualityOfService.AtLeastOnce);
        var status = await retained.NextAsync();

        Assert.True(resumed.SessionPresent);
        Assert.Equal(("cmd/dim", "40", MqttQualityOfService.AtLeastOnce), (command.Topic, Inbox.Text(command), command.Qos));
        Assert.Equal(("status/pole-1", "online", true), (status.Topic, Inbox.Text(status), status.Retain));
    }

    [Fact]
    public async Task Resumed_session_keeps_its_subscriptions_after_a_restart()
    {
        using var dir = new TempDirectory("mqtt-persist");
        var path = Path.Combine(dir.Path, "broker.state");
        await using (var before = await BrokerFixture.StartAsync(o => o.PersistencePath = path, output: output))
        {
            var keeper = await before.ConnectAsync("keeper", o => { o.ProtocolVersion = MqttProtocolVersion.V500; o.CleanSession = false; o.SessionExpiryInterval = 600; });
            await keeper.SubscribeAsync("cmd/#", MqttQualityOfService.AtLeastOnce);
        }

        await using var after = await BrokerFixture.StartAsync(o => o.PersistencePath = path, output: output);
        await using var resumed = new MqttClient(new MqttClientOptions { Port = after.Port, ClientId = "keeper", ProtocolVersion = MqttProtocolVersion.V500, CleanSession = false, SessionExpiryInterval = 600 });
        var inbox = Inbox.For(resumed);
        await resumed.ConnectAsync();
        var publisher = await after.ConnectAsync("publisher");
        await publisher.PublishAsync(new MqttApplicationMessage("cmd/reboot", Bytes("now"), MqttQualityOfService.AtLeastOnce));
        var delivered = await inbox.NextAsync();

        Assert.True(resumed.SessionPresent);
        Assert.Equal("cmd/reboot", delivered.Topic);
    }

    [Fact]
    public async Task Session_whose_expiry_passed_while_the_broker_was_down_is_not_restored()
    {
        using var dir = new TempDirectory("mqtt-persist");
        var path = Path.Combine(dir.Path, "broker.state");
        var clock = new ManualTimeProvider();
        await using (var before = await BrokerFixture.StartAsync(o => o.PersistencePath = path, clock, output))
        {
            var brief = await before.ConnectAsync("brief", o => { o.ProtocolVersion = MqttProtocolVersion.V500; o.CleanSession = false; o.SessionExpiryInterval = 10; });
            await brief.SubscribeAsync("cmd/#", MqttQualityOfService.AtLeastOnce);
            var lasting = await before.ConnectAsync("lasting", o => { o.ProtocolVersion = MqttProtocolVersion.V500; o.CleanSession = false; o.SessionExpiryInterval = 3600; });
            await lasting.SubscribeAsync("cmd/#", MqttQualityOfService.AtLeastOnce);
        }

        clock.Advance(TimeSpan.FromSeconds(11));
        await using var after = await BrokerFixture.StartAsync(o => o.PersistencePath = path, clock, output);
        var brief2 = await after.ConnectAsync("brief", o => { o.ProtocolVersion = MqttProtocolVersion.V500; o.CleanSession = false; o.SessionExpiryInterval = 10; });
        var lasting2 = await after.ConnectAsync("lasting", o => { o.ProtocolVersion = MqttProtocolVersion.V500; o.CleanSession = false; o.SessionExpiryInterval = 3600; });

        Assert.False(brief2.SessionPresent);
        Assert.True(lasting2.SessionPresent);
    }

    [Fact]
    public async Task Snapshot_taken_while_running_restores_without_a_clean_stop()
    {
        using var dir = new TempDirectory("mqtt-persist");
        var path = Path.Combine(dir.Path, "broker.state");
        var copy = Path.Combine(dir.Path, "after-crash.state");
        var clock = new ManualTimeProvider();
        await using var running = await BrokerFixture.StartAsync(o => { o.PersistencePath = path; o.PersistenceInterval = TimeSpan.FromSeconds(5); }, clock, output);
        var publisher = await running.ConnectAsync("publisher");
        await publisher.PublishAsync(new MqttApplicationMessage("config/pole-1", Bytes("{\"intervalS\":10}"), MqttQualityOfService.AtLeastOnce, Retain: true));

        clock.Advance(TimeSpan.FromSeconds(5));
        File.Copy(path, copy);
        await using var restarted = await BrokerFixture.StartAsync(o => o.PersistencePath = copy, clock, output);
        var watcher = await restarted.ConnectAsync("watcher");
        var inbox = Inbox.For(watcher);
        await watcher.SubscribeAsync("config/#", MqttQualityOfService.AtLeastOnce);
        var config = await inbox.NextAsync();

        Assert.Equal("{\"intervalS\":10}", Inbox.Text(config));
        Assert.True(config.Retain);
    }

    [Fact]
    public async Task Torn_state_file_is_reported_moved_aside_and_the_broker_starts_empty()
    {
        using var dir = new TempDirectory("mqtt-persist");
        var path = Path.Combine(dir.Path, "broker.state");
        await using (var before = await BrokerFixture.StartAsync(o => o.PersistencePath = path, output: output))
        {
            var publisher = await before.ConnectAsync("publisher");
            await publisher.PublishAsync(new MqttApplicationMessage("status/pole-1", Bytes("online"), MqttQualityOfService.AtLeastOnce, Retain: true));
        }

        var whole = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, whole[..(whole.Length - 7)]);
        var log = new RecordingLogger<MqttBroker>(output);
        await using var broker = new MqttBroker(new MqttBrokerOptions { Host = "127.0.0.1", Port = 0, PersistencePath = path }, log);

        await broker.StartAsync();
        await using var client = new MqttClient(new MqttClientOptions { Port = broker.LocalEndPoint.Port, ClientId = "after" });
        var inbox = Inbox.For(client);
        await client.ConnectAsync();
        await client.SubscribeAsync("#", MqttQualityOfService.AtLeastOnce);
        await client.PublishAsync(new MqttApplicationMessage("probe", Bytes("p"), MqttQualityOfService.AtLeastOnce));
        var first = await inbox.NextAsync();

        var error = Assert.Single(log.Lines, l => l.Level == LogLevel.Error);
        Assert.Contains(path, error.Text, StringComparison.Ordinal);
        Assert.Contains("torn file", error.Text, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(dir.Path, "broker.state.corrupt-*"));
        Assert.Equal("probe", first.Topic);
    }
}
