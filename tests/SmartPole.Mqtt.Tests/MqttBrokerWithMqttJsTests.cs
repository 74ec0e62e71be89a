using System.Text.Json;
using SmartPole.Testing;
using Xunit.Abstractions;

namespace SmartPole.Mqtt.Tests;

/// <summary>Our broker with MQTT.js (npm mqtt) as the real peer, on 3.1.1 (protocol version 4) and 5.0.</summary>
public sealed class MqttBrokerWithMqttJsTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(4, 0)]
    [InlineData(4, 1)]
    [InlineData(4, 2)]
    [InlineData(5, 0)]
    [InlineData(5, 1)]
    [InlineData(5, 2)]
    public async Task MqttJs_clients_exchange_a_message_at_each_qos(int version, int qos)
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var subscriber = await StartAsync(fixture, new { clientId = "sub", protocolVersion = version });
        await using var publisher = await StartAsync(fixture, new { clientId = "pub", protocolVersion = version });
        Assert.Equal([qos], await subscriber.SubscribeAsync("sp/+/+/telemetry", new { qos }));

        await publisher.PublishAsync("sp/demo/p1/telemetry", "hello", new { qos });

        var message = await subscriber.MessageAsync("sp/demo/p1/telemetry");
        Assert.Equal("hello", message.GetProperty("payload").GetString());
        Assert.Equal(qos, message.GetProperty("qos").GetInt32());
        var acks = new[] { null, "puback", "pubcomp" };
        if (acks[qos] is { } ack)
        {
            // MQTT.js acknowledges after it has reported the message: await the acknowledgement itself.
            await subscriber.WaitForAsync(e => IsPacket(e, "out", ack));
            Assert.Single(publisher.Packets("in", ack));
            Assert.Single(subscriber.Packets("out", ack));
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Retained_messages_are_set_replaced_and_cleared_for_mqttjs(int version)
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var publisher = await StartAsync(fixture, new { clientId = "pub", protocolVersion = version });
        await publisher.PublishAsync("sp/c/p/config", "v1", new { qos = 1, retain = true });
        await publisher.PublishAsync("sp/c/p/config", "v2", new { qos = 1, retain = true });
        await publisher.PublishAsync("sp/c/q/config", "q1", new { qos = 1, retain = true });
        await publisher.PublishAsync("sp/c/q/config", "", new { qos = 1, retain = true });

        await using var late = await StartAsync(fixture, new { clientId = "late", protocolVersion = version });
        await late.SubscribeAsync("sp/c/+/config", new { qos = 1 });
        await late.SubscribeAsync("sp/c/marker", new { qos = 1 });
        await publisher.PublishAsync("sp/c/marker", "m", new { qos = 1 });

        await late.MessageAsync("sp/c/marker");
        var messages = late.Events("message");
        Assert.Equal(["sp/c/p/config v2 True", "sp/c/marker m False"],
            messages.Select(m => $"{m.GetProperty("topic").GetString()} {m.GetProperty("payload").GetString()} {m.GetProperty("retain").GetBoolean()}"));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public async Task The_will_of_an_mqttjs_client_that_drops_is_published_and_a_clean_end_sends_none(int version)
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var watcher = await StartAsync(fixture, new { clientId = "watcher", protocolVersion = version });
        await watcher.SubscribeAsync("sp/c/+/status", new { qos = 1 });
        var will = new { qos = 1, retain = false };
        await using var dropping = await StartAsync(fixture, new { clientId = "p1", protocolVersion = version, will = new { topic = "sp/c/p1/status", payload = "offline", will.qos, will.retain } });
        await using var leaving = await StartAsync(fixture, new { clientId = "p2", protocolVersion = version, will = new { topic = "sp/c/p2/status", payload = "offline", will.qos, will.retain } });

        await leaving.CommandAsync("end");
        await dropping.CommandAsync("drop");

        var received = await watcher.MessageAsync("sp/c/p1/status");
        Assert.Equal("offline", received.GetProperty("payload").GetString());
        await watcher.PublishAsync("sp/c/marker/status", "m");
        await watcher.MessageAsync("sp/c/marker/status");
        Assert.DoesNotContain(watcher.Events("message"), m => m.GetProperty("topic").GetString() == "sp/c/p2/status");
    }

    [Fact]
    public async Task A_delayed_will_waits_for_its_delay()
    {
        var clock = new ManualTimeProvider();
        await using var fixture = await BrokerFixture.StartAsync(timeProvider: clock, output: output);
        await using var watcher = await StartAsync(fixture, new { clientId = "watcher", protocolVersion = 5 });
        await watcher.SubscribeAsync("sp/c/+/status", new { qos = 1 });
        await using var dropping = await StartAsync(fixture, new
        {
            clientId = "p1",
            protocolVersion = 5,
            properties = new { sessionExpiryInterval = 600 },
            will = new { topic = "sp/c/p1/status", payload = "offline", qos = 1, properties = new { willDelayInterval = 30 } },
        });

        await dropping.CommandAsync("drop");
        await WaitFor.ConditionAsync(() => Task.FromResult(fixture.Broker.ConnectedClients == 1), MqttJsPeer.Timeout, () => "the broker never saw p1 go");
        await watcher.PublishAsync("sp/c/marker/status", "m");
        await watcher.MessageAsync("sp/c/marker/status");
        var beforeDelay = watcher.Events("message").Count;
        clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(1, beforeDelay);
        Assert.Equal("offline", (await watcher.MessageAsync("sp/c/p1/status")).GetProperty("payload").GetString());
    }

    [Fact]
    public async Task Topic_aliases_from_mqttjs_are_resolved()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var subscriber = await StartAsync(fixture, new { clientId = "sub", protocolVersion = 5 });
        await using var publisher = await StartAsync(fixture, new { clientId = "pub", protocolVersion = 5, autoAssignTopicAlias = true });
        await subscriber.SubscribeAsync("sp/c/+/telemetry", new { qos = 1 });

        for (var i = 0; i < 3; i++)
        {
            await publisher.PublishAsync("sp/c/p1/telemetry", $"{i}", new { qos = 1 });
        }

        await subscriber.MessageAsync("sp/c/p1/telemetry", occurrence: 3);
        var sent = publisher.Packets("out", "publish");
        Assert.Equal(["sp/c/p1/telemetry", "", ""], sent.Select(p => p.GetProperty("topic").GetString()));
        Assert.All(sent, p => Assert.True(p.GetProperty("properties").GetProperty("topicAlias").GetInt32() > 0));
        Assert.Equal(["0", "1", "2"], subscriber.Events("message").Select(m => m.GetProperty("payload").GetString()));
    }

    [Fact]
    public async Task The_broker_sends_topic_aliases_to_an_mqttjs_client_that_allows_them()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var subscriber = await StartAsync(fixture, new { clientId = "sub", protocolVersion = 5, properties = new { topicAliasMaximum = 2 } });
        await using var publisher = await StartAsync(fixture, new { clientId = "pub", protocolVersion = 5 });
        await subscriber.SubscribeAsync("sp/c/+/telemetry", new { qos = 1 });

        string[] topics = ["sp/c/a/telemetry", "sp/c/b/telemetry", "sp/c/a/telemetry", "sp/c/c/telemetry", "sp/c/b/telemetry", "sp/c/a/telemetry"];
        foreach (var topic in topics)
        {
            await publisher.PublishAsync(topic, topic, new { qos = 1 });
        }

        await subscriber.WaitForAsync(e => MqttJsPeer.IsEvent(e, "message"), occurrence: topics.Length);
        var received = subscriber.Packets("in", "publish");
        Assert.Equal(topics, subscriber.Events("message").Select(m => m.GetProperty("topic").GetString()));
        Assert.Equal(topics, subscriber.Events("message").Select(m => m.GetProperty("payload").GetString()));
        Assert.All(received, p => Assert.InRange(p.GetProperty("properties").GetProperty("topicAlias").GetInt32(), 1, 2));
        Assert.Contains(received, p => p.GetProperty("topic").GetString() == "");
        Assert.Empty(subscriber.Events("error"));
    }

    [Fact]
    public async Task Message_expiry_drops_what_waited_too_long_and_counts_down_the_rest()
    {
        var clock = new ManualTimeProvider();
        await using var fixture = await BrokerFixture.StartAsync(timeProvider: clock, output: output);
        var sessionOptions = new { clientId = "sub", protocolVersion = 5, clean = false, properties = new { sessionExpiryInterval = 3600 } };
        await using (var first = await StartAsync(fixture, sessionOptions))
        {
            await first.SubscribeAsync("sp/c/+/cmd", new { qos = 1 });
            await first.CommandAsync("end");
        }

        await using var publisher = await StartAsync(fixture, new { clientId = "pub", protocolVersion = 5 });
        await publisher.PublishAsync("sp/c/short/cmd", "short", new { qos = 1, properties = new { messageExpiryInterval = 10 } });
        await publisher.PublishAsync("sp/c/long/cmd", "long", new { qos = 1, properties = new { messageExpiryInterval = 100 } });
        clock.Advance(TimeSpan.FromSeconds(40));
        await using var again = await StartAsync(fixture, sessionOptions);

        var delivered = await again.MessageAsync("sp/c/long/cmd");
        Assert.True(again.Events("connect")[0].GetProperty("sessionPresent").GetBoolean());
        Assert.Equal(60, delivered.GetProperty("properties").GetProperty("messageExpiryInterval").GetInt32());
        Assert.DoesNotContain(again.Events("message"), m => m.GetProperty("topic").GetString() == "sp/c/short/cmd");
    }

    [Fact]
    public async Task The_broker_keeps_within_the_receive_maximum_of_a_slow_mqttjs_subscriber()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var slow = await StartAsync(fixture, new { clientId = "slow", protocolVersion = 5, ackDelayMs = 50, properties = new { receiveMaximum = 2 } });
        await using var publisher = await StartAsync(fixture, new { clientId = "pub", protocolVersion = 5 });
        await slow.SubscribeAsync("sp/c/+/cmd", new { qos = 2 });

        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => publisher.PublishAsync($"sp/c/p{i}/cmd", $"{i}", new { qos = 2 })));

        await slow.WaitForAsync(e => MqttJsPeer.IsEvent(e, "message"), occurrence: 12);
        Assert.Empty(slow.Events("error"));
        Assert.InRange(MostInFlight(slow, "in", "out", "pubcomp"), 1, 2);
    }

    [Fact]
    public async Task An_mqttjs_client_that_exceeds_the_brokers_receive_maximum_is_disconnected_with_0x93()
    {
        await using var fixture = await BrokerFixture.StartAsync(o => o.ReceiveMaximum = 2, output: output);
        await using var neighbour = await StartAsync(fixture, new { clientId = "neighbour", protocolVersion = 5 });
        await using var greedy = await StartAsync(fixture, new { clientId = "greedy", protocolVersion = 5 });

        // MQTT.js 5.16 does not keep to the server's Receive Maximum: 8 QoS 2 PUBLISHes leave at once.
        await greedy.CommandAsync("publish-burst", new { topic = "sp/c/greedy", count = 8, options = new { qos = 2 } });

        var disconnect = await greedy.WaitForAsync(e => MqttJsPeer.IsEvent(e, "disconnect"));
        Assert.Equal(2, greedy.Events("connect")[0].GetProperty("properties").GetProperty("receiveMaximum").GetInt32());
        Assert.Equal(0x93, disconnect.GetProperty("reasonCode").GetInt32());
        await neighbour.SubscribeAsync("sp/c/n", new { qos = 1 });
        await neighbour.PublishAsync("sp/c/n", "unharmed", new { qos = 1 });
        Assert.Equal("unharmed", (await neighbour.MessageAsync("sp/c/n")).GetProperty("payload").GetString());
    }

    private static bool IsPacket(JsonElement e, string direction, string cmd) =>
        MqttJsPeer.IsEvent(e, "packet") && e.GetProperty("dir").GetString() == direction && e.GetProperty("cmd").GetString() == cmd;

    /// <summary>
    /// The most QoS 2 PUBLISHes the peer had in flight at any moment: PUBLISH in <paramref name="publishes"/> direction
    /// and not yet followed by <paramref name="completion"/> in <paramref name="completions"/> direction.
    /// </summary>
    private static int MostInFlight(MqttJsPeer peer, string publishes, string completions, string completion)
    {
        var open = new HashSet<int>();
        var most = 0;
        foreach (var packet in peer.Events("packet"))
        {
            if (IsPacket(packet, publishes, "publish"))
            {
                open.Add(packet.GetProperty("messageId").GetInt32());
                most = Math.Max(most, open.Count);
            }
            else if (IsPacket(packet, completions, completion))
            {
                open.Remove(packet.GetProperty("messageId").GetInt32());
            }
        }

        return most;
    }

    private static Task<MqttJsPeer> StartAsync(BrokerFixture fixture, object options) =>
        MqttJsPeer.StartAsync($"mqtt://127.0.0.1:{fixture.Port}", options);
}
