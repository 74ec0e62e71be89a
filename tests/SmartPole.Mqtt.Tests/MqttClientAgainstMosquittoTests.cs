using System.Text;
using SmartPole.Testing;

namespace SmartPole.Mqtt.Tests;

/// <summary>Our client against Debian's Mosquitto broker.</summary>
public sealed class MqttClientAgainstMosquittoTests : IAsyncLifetime
{
    private readonly List<MqttClient> _clients = [];
    private MosquittoBroker _mosquitto = null!;

    public async Task InitializeAsync() => _mosquitto = await MosquittoBroker.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await _mosquitto.DisposeAsync();
    }

    [Theory]
    [InlineData(MqttQualityOfService.AtMostOnce, MqttProtocolVersion.V311)]
    [InlineData(MqttQualityOfService.AtLeastOnce, MqttProtocolVersion.V311)]
    [InlineData(MqttQualityOfService.ExactlyOnce, MqttProtocolVersion.V311)]
    [InlineData(MqttQualityOfService.AtMostOnce, MqttProtocolVersion.V500)]
    [InlineData(MqttQualityOfService.AtLeastOnce, MqttProtocolVersion.V500)]
    [InlineData(MqttQualityOfService.ExactlyOnce, MqttProtocolVersion.V500)]
    public async Task Publish_and_subscribe_through_mosquitto_at_each_qos(MqttQualityOfService qos, MqttProtocolVersion version)
    {
        var subscriber = await ConnectAsync("sub", o => o.ProtocolVersion = version);
        var inbox = Inbox.For(subscriber);
        await subscriber.SubscribeAsync("sp/+/+/telemetry", qos);
        var publisher = await ConnectAsync("pub", o => o.ProtocolVersion = version);

        for (var i = 0; i < 20; i++)
        {
            await publisher.PublishAsync(new MqttApplicationMessage("sp/demo/p1/telemetry", Encoding.UTF8.GetBytes($"m{i}"), qos));
        }

        for (var i = 0; i < 20; i++)
        {
            var received = await inbox.NextAsync();
            Assert.Equal($"m{i}", Inbox.Text(received));
            Assert.Equal(qos, received.Qos);
        }
    }

    [Fact]
    public async Task Many_qos2_publishes_in_flight_complete_through_mosquitto()
    {
        var publisher = await ConnectAsync("pub", o => o.MaxInflight = 16);
        var subscriber = await ConnectAsync("sub");
        var count = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.MessageReceivedAsync = _ =>
        {
            if (Interlocked.Increment(ref count) == 300)
            {
                all.SetResult();
            }

            return ValueTask.CompletedTask;
        };
        await subscriber.SubscribeAsync("load/#", MqttQualityOfService.ExactlyOnce);

        await Task.WhenAll(Enumerable.Range(0, 300).Select(i =>
            publisher.PublishAsync(new MqttApplicationMessage($"load/{i % 7}", new byte[64], MqttQualityOfService.ExactlyOnce))));

        await all.Task.WaitAsync(Inbox.Timeout);
        Assert.Equal(300, count);
    }

    [Fact]
    public async Task Retained_message_from_our_client_reaches_a_late_subscriber()
    {
        var publisher = await ConnectAsync("pub");
        await publisher.PublishAsync(new MqttApplicationMessage("sp/c/p/config", Encoding.UTF8.GetBytes("cfg-1"), MqttQualityOfService.AtLeastOnce, Retain: true));

        var late = await ConnectAsync("late");
        var inbox = Inbox.For(late);
        await late.SubscribeAsync("sp/c/p/config", MqttQualityOfService.AtLeastOnce);

        var received = await inbox.NextAsync();
        Assert.True(received.Retain);
        Assert.Equal("cfg-1", Inbox.Text(received));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Will_of_our_client_is_published_by_mosquitto_when_the_connection_drops(MqttProtocolVersion version)
    {
        var watcher = await ConnectAsync("watcher");
        var inbox = Inbox.For(watcher);
        await watcher.SubscribeAsync("sp/c/p/status", MqttQualityOfService.AtLeastOnce);
        var gateway = await ConnectAsync("gateway", o =>
        {
            o.ProtocolVersion = version;
            o.Will = new MqttApplicationMessage("sp/c/p/status", Encoding.UTF8.GetBytes("offline"), MqttQualityOfService.AtLeastOnce, Retain: true);
        });

        await gateway.AbortAsync();

        var will = await inbox.NextAsync();
        Assert.Equal("sp/c/p/status", will.Topic);
        Assert.Equal("offline", Inbox.Text(will));
    }

    [Fact]
    public async Task Persistent_session_gets_messages_published_while_it_was_away()
    {
        var keeper = await ConnectAsync("keeper", o => o.CleanSession = false);
        await keeper.SubscribeAsync("q/#", MqttQualityOfService.AtLeastOnce);
        await keeper.DisconnectAsync();
        var publisher = await ConnectAsync("pub");
        await publisher.PublishAsync(new MqttApplicationMessage("q/1", Encoding.UTF8.GetBytes("while-away"), MqttQualityOfService.AtLeastOnce));

        var inbox = Inbox.For(keeper);
        await keeper.ConnectAsync();

        var received = await inbox.NextAsync();
        Assert.Equal("while-away", Inbox.Text(received));
    }

    [Fact]
    public async Task V5_properties_survive_a_trip_through_mosquitto()
    {
        var subscriber = await ConnectAsync("sub", o => o.ProtocolVersion = MqttProtocolVersion.V500);
        var inbox = Inbox.For(subscriber);
        await subscriber.SubscribeAsync("req/#", MqttQualityOfService.AtLeastOnce);
        var publisher = await ConnectAsync("pub", o => o.ProtocolVersion = MqttProtocolVersion.V500);

        await publisher.PublishAsync(new MqttApplicationMessage("req/1", Encoding.UTF8.GetBytes("{}"), MqttQualityOfService.AtLeastOnce)
        {
            ContentType = "application/json",
            ResponseTopic = "resp/1",
            CorrelationData = new byte[] { 1, 2, 3 },
            UserProperties = [new("tenant", "demo")],
            PayloadIsUtf8 = true,
            MessageExpiryInterval = 300,
        });

        var received = await inbox.NextAsync();
        Assert.Equal("application/json", received.ContentType);
        Assert.Equal("resp/1", received.ResponseTopic);
        Assert.Equal([1, 2, 3], received.CorrelationData.ToArray());
        Assert.Equal([new MqttUserProperty("tenant", "demo")], received.UserProperties);
        Assert.True(received.PayloadIsUtf8);
        Assert.InRange(received.MessageExpiryInterval!.Value, 1u, 300u);
    }

    [Fact]
    public async Task Unsubscribe_stops_delivery()
    {
        var subscriber = await ConnectAsync("sub");
        var inbox = Inbox.For(subscriber);
        await subscriber.SubscribeAsync("a/#", MqttQualityOfService.AtLeastOnce);
        await subscriber.SubscribeAsync("marker", MqttQualityOfService.AtLeastOnce);
        var publisher = await ConnectAsync("pub");

        await subscriber.UnsubscribeAsync("a/#");
        await publisher.PublishAsync(new MqttApplicationMessage("a/b", Encoding.UTF8.GetBytes("x"), MqttQualityOfService.AtLeastOnce));
        await publisher.PublishAsync(new MqttApplicationMessage("marker", Encoding.UTF8.GetBytes("m"), MqttQualityOfService.AtLeastOnce));

        Assert.Equal("marker", (await inbox.NextAsync()).Topic);
    }

    [Fact]
    public async Task Refused_connection_throws_with_the_reason_code()
    {
        await using var strict = await MosquittoBroker.StartAsync("password_file /dev/null", "allow_anonymous false");
        var client = new MqttClient(new MqttClientOptions { Port = strict.Port, ClientId = "nobody", Username = "x", Password = "y" });
        _clients.Add(client);

        var error = await Assert.ThrowsAsync<MqttConnectException>(() => client.ConnectAsync());

        Assert.Contains(error.ReasonCode, new[] { MqttConnectReasonCode.NotAuthorized, MqttConnectReasonCode.BadUserNameOrPassword });
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Client_reconnects_after_mosquitto_restarts_and_loses_no_qos1_message()
    {
        // Save on every change, so the subscriber's session survives the kill. "user root": run as root, Mosquitto
        // would otherwise drop to the mosquitto user, which cannot write the test's temporary folder (no effect otherwise).
        await using var mosquitto = await MosquittoBroker.StartAsync("autosave_on_changes true", "user root");
        void Durable(MqttClientOptions o)
        {
            o.Port = mosquitto.Port;
            o.CleanSession = false;
            o.AutoReconnect = true;
            o.ReconnectDelay = TimeSpan.FromMilliseconds(50);
            o.MaxReconnectDelay = TimeSpan.FromMilliseconds(400);
        }

        var received = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();
        var subscriber = await ConnectAsync("durable-sub", Durable);
        subscriber.MessageReceivedAsync = m =>
        {
            received.TryAdd(Inbox.Text(m), 0);
            return ValueTask.CompletedTask;
        };
        await subscriber.SubscribeAsync("stream/#", MqttQualityOfService.AtLeastOnce);
        var publisher = await ConnectAsync("durable-pub", o => { Durable(o); o.MaxInflight = 10; });
        for (var i = 0; i < 50; i++)
        {
            await publisher.PublishAsync(new MqttApplicationMessage("stream/a", Encoding.UTF8.GetBytes($"before-{i}"), MqttQualityOfService.AtLeastOnce));
        }

        await WaitFor.ConditionAsync(() => Task.FromResult(received.Count == 50), Inbox.Timeout, () => $"{received.Count} of 50 before the restart");

        // SIGKILL, one second down, then the same port and persistence again; publishing goes on meanwhile.
        var restart = mosquitto.RestartAsync(TimeSpan.FromSeconds(1));
        await WaitFor.ConditionAsync(() => Task.FromResult(!publisher.IsConnected), Inbox.Timeout, () => "the publisher did not notice the broker going away");
        var during = Enumerable.Range(0, 100)
            .Select(i => publisher.PublishAsync(new MqttApplicationMessage("stream/b", Encoding.UTF8.GetBytes($"after-{i}"), MqttQualityOfService.AtLeastOnce)))
            .ToArray();
        await restart;
        await Task.WhenAll(during).WaitAsync(TimeSpan.FromSeconds(20));

        await WaitFor.ConditionAsync(() => Task.FromResult(received.Count == 150), TimeSpan.FromSeconds(20), () =>
            $"{received.Count} of 150 received; missing: {string.Join(", ", Enumerable.Range(0, 100).Select(i => $"after-{i}").Where(t => !received.ContainsKey(t)))}\n{mosquitto.Output}");
        Assert.All(Enumerable.Range(0, 100), i => Assert.True(received.ContainsKey($"after-{i}"), $"after-{i} lost"));
        Assert.True(publisher.IsConnected);
        Assert.True(subscriber.IsConnected);
    }

    [Fact]
    public void Options_read_a_broker_uri()
    {
        var options = MqttClientOptions.FromUri(new Uri("mqtt://gw:s3cret@broker.example:2883"));
        var tcp = MqttClientOptions.FromUri(new Uri("tcp://10.0.0.5"));

        Assert.Equal(("broker.example", 2883, "gw", "s3cret"), (options.Host, options.Port, options.Username, options.Password));
        Assert.Equal(("10.0.0.5", 1883), (tcp.Host, tcp.Port));
        Assert.Throws<ArgumentException>(() => MqttClientOptions.FromUri(new Uri("http://x")));
    }

    private async Task<MqttClient> ConnectAsync(string clientId, Action<MqttClientOptions>? configure = null)
    {
        var options = new MqttClientOptions { Port = _mosquitto.Port, ClientId = clientId };
        configure?.Invoke(options);
        var client = new MqttClient(options);
        _clients.Add(client);
        await client.ConnectAsync();
        return client;
    }
}
