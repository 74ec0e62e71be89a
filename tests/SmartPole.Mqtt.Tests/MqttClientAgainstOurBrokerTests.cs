using System.Text;
using System.Threading.Channels;
using SmartPole.Testing;

namespace SmartPole.Mqtt.Tests;

public sealed class MqttClientAgainstOurBrokerTests
{
    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Theory]
    [InlineData(MqttQualityOfService.AtMostOnce, MqttProtocolVersion.V311)]
    [InlineData(MqttQualityOfService.AtLeastOnce, MqttProtocolVersion.V311)]
    [InlineData(MqttQualityOfService.ExactlyOnce, MqttProtocolVersion.V311)]
    [InlineData(MqttQualityOfService.AtMostOnce, MqttProtocolVersion.V500)]
    [InlineData(MqttQualityOfService.AtLeastOnce, MqttProtocolVersion.V500)]
    [InlineData(MqttQualityOfService.ExactlyOnce, MqttProtocolVersion.V500)]
    public async Task Published_message_reaches_subscriber_and_hook(MqttQualityOfService qos, MqttProtocolVersion version)
    {
        await using var fixture = await BrokerFixture.StartAsync();
        var hooked = Channel.CreateUnbounded<MqttInboundMessage>();
        fixture.Broker.MessageReceivedAsync = (m, _) =>
        {
            hooked.Writer.TryWrite(m);
            return ValueTask.CompletedTask;
        };
        var subscriber = await fixture.ConnectAsync("sub", o => o.ProtocolVersion = version);
        var inbox = Inbox.For(subscriber);
        await subscriber.SubscribeAsync("sp/+/+/telemetry", qos);
        var publisher = await fixture.ConnectAsync("pub", o => { o.ProtocolVersion = version; o.Username = "pole-1"; });

        await publisher.PublishAsync(new MqttApplicationMessage("sp/demo/p1/telemetry", Bytes("{\"seq\":1}"), qos));

        var received = await inbox.NextAsync();
        Assert.Equal("sp/demo/p1/telemetry", received.Topic);
        Assert.Equal("{\"seq\":1}", Inbox.Text(received));
        Assert.Equal(qos, received.Qos);
        var inbound = await hooked.Reader.ReadAsync().AsTask().WaitAsync(Inbox.Timeout);
        Assert.Equal("pub", inbound.ClientId);
        Assert.Equal("pole-1", inbound.Username);
        Assert.Equal("sp/demo/p1/telemetry", inbound.Message.Topic);
    }

    [Fact]
    public async Task Qos1_publish_completes_only_after_the_hook_has_finished()
    {
        await using var fixture = await BrokerFixture.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Broker.MessageReceivedAsync = async (_, _) =>
        {
            entered.TrySetResult();
            await release.Task;
        };
        var publisher = await fixture.ConnectAsync("pub");

        var publish = publisher.PublishAsync(new MqttApplicationMessage("a/b", Bytes("x"), MqttQualityOfService.AtLeastOnce));
        await entered.Task.WaitAsync(Inbox.Timeout);
        var completedWhileHookRan = publish.IsCompleted;
        release.SetResult();
        await publish.WaitAsync(Inbox.Timeout);

        Assert.False(completedWhileHookRan);
        Assert.True(publish.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_failing_hook_does_not_stop_routing_or_acknowledgement()
    {
        await using var fixture = await BrokerFixture.StartAsync();
        fixture.Broker.MessageReceivedAsync = (_, _) => throw new InvalidOperationException("ingestion down");
        var subscriber = await fixture.ConnectAsync("sub");
        var inbox = Inbox.For(subscriber);
        await subscriber.SubscribeAsync("a/#", MqttQualityOfService.AtLeastOnce);
        var publisher = await fixture.ConnectAsync("pub");

        await publisher.PublishAsync(new MqttApplicationMessage("a/b", Bytes("x"), MqttQualityOfService.AtLeastOnce)).WaitAsync(Inbox.Timeout);

        Assert.Equal("a/b", (await inbox.NextAsync()).Topic);
        Assert.True(publisher.IsConnected);
    }

    [Fact]
    public async Task Many_qos1_publishes_in_flight_at_once_all_complete_in_order()
    {
        await using var fixture = await BrokerFixture.StartAsync();
        var seen = new List<string>();
        fixture.Broker.MessageReceivedAsync = (m, _) =>
        {
            seen.Add(Encoding.UTF8.GetString(m.Message.Payload.Span));
            return ValueTask.CompletedTask;
        };
        var publisher = await fixture.ConnectAsync("pub", o => o.MaxInflight = 10);

        var publishes = Enumerable.Range(0, 500)
            .Select(i => publisher.PublishAsync(new MqttApplicationMessage("t", Bytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), MqttQualityOfService.AtLeastOnce)))
            .ToArray();
        await Task.WhenAll(publishes).WaitAsync(Inbox.Timeout);

        Assert.Equal(500, seen.Count);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), seen.Order());
    }

    [Fact]
    public async Task After_a_dropped_connection_the_client_reconnects_resubscribes_and_resends()
    {
        await using var fixture = await BrokerFixture.StartAsync();
        var ingested = new System.Collections.Concurrent.ConcurrentBag<string>();
        fixture.Broker.MessageReceivedAsync = (m, _) =>
        {
            ingested.Add(Encoding.UTF8.GetString(m.Message.Payload.Span));
            return ValueTask.CompletedTask;
        };
        var subscriber = await fixture.ConnectAsync("sub", o => { o.AutoReconnect = true; o.ReconnectDelay = TimeSpan.FromMilliseconds(20); });
        var inbox = Inbox.For(subscriber);
        await subscriber.SubscribeAsync("cmd/#", MqttQualityOfService.AtLeastOnce);
        var publisher = await fixture.ConnectAsync("pub", o => { o.AutoReconnect = true; o.ReconnectDelay = TimeSpan.FromMilliseconds(20); });

        await subscriber.DropConnectionAsync();
        await publisher.DropConnectionAsync();
        var whileDown = publisher.PublishAsync(new MqttApplicationMessage("cmd/1", Bytes("sent-while-down"), MqttQualityOfService.AtLeastOnce));
        await whileDown.WaitAsync(Inbox.Timeout);
        await WaitFor.ConditionAsync(() => Task.FromResult(subscriber.IsConnected), Inbox.Timeout, () => "subscriber did not reconnect");
        await publisher.PublishAsync(new MqttApplicationMessage("cmd/2", Bytes("after"), MqttQualityOfService.AtLeastOnce));

        var texts = new[] { Inbox.Text(await inbox.NextAsync()) }.ToList();
        if (texts[0] != "after")
        {
            texts.Add(Inbox.Text(await inbox.NextAsync()));
        }

        Assert.Contains("after", texts);
        Assert.Contains("sent-while-down", ingested);
    }

    [Fact]
    public async Task Without_auto_reconnect_a_publish_after_a_drop_fails_fast()
    {
        await using var fixture = await BrokerFixture.StartAsync();
        var client = await fixture.ConnectAsync("fragile");

        await client.DropConnectionAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.PublishAsync(new MqttApplicationMessage("a", Bytes("x"), MqttQualityOfService.AtLeastOnce)));
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task No_local_subscription_does_not_echo_own_messages()
    {
        await using var fixture = await BrokerFixture.StartAsync();
        var client = await fixture.ConnectAsync("echo", o => o.ProtocolVersion = MqttProtocolVersion.V500);
        var inbox = Inbox.For(client);
        await client.SubscribeAsync(new MqttSubscription("chat/#") { NoLocal = true });
        await client.SubscribeAsync(new MqttSubscription("marker"));
        var other = await fixture.ConnectAsync("other");

        await client.PublishAsync(new MqttApplicationMessage("chat/1", Bytes("mine"), MqttQualityOfService.AtLeastOnce));
        await other.PublishAsync(new MqttApplicationMessage("chat/1", Bytes("theirs"), MqttQualityOfService.AtLeastOnce));

        Assert.Equal("theirs", Inbox.Text(await inbox.NextAsync()));
    }

    [Fact]
    public async Task Retain_handling_and_retain_as_published_are_honoured()
    {
        await using var fixture = await BrokerFixture.StartAsync();
        await fixture.Broker.PublishAsync(new MqttApplicationMessage("cfg/a", Bytes("retained"), MqttQualityOfService.AtLeastOnce, Retain: true));
        var client = await fixture.ConnectAsync("opts", o => o.ProtocolVersion = MqttProtocolVersion.V500);
        var inbox = Inbox.For(client);

        await client.SubscribeAsync(new MqttSubscription("cfg/#") { RetainHandling = MqttRetainHandling.DoNotSend, RetainAsPublished = true, SubscriptionIdentifier = 77 });
        await fixture.Broker.PublishAsync(new MqttApplicationMessage("cfg/b", Bytes("live"), MqttQualityOfService.AtLeastOnce, Retain: true));
        var first = await inbox.NextAsync();
        await client.SubscribeAsync(new MqttSubscription("cfg/#") { RetainHandling = MqttRetainHandling.SendAtSubscribeIfNew });
        await fixture.Broker.PublishAsync(new MqttApplicationMessage("cfg/c", Bytes("marker")));
        var second = await inbox.NextAsync();

        Assert.Equal("live", Inbox.Text(first));
        Assert.True(first.Retain);
        Assert.Equal([77u], first.SubscriptionIdentifiers);
        Assert.Equal("marker", Inbox.Text(second));
        Assert.False(second.Retain);
    }

    [Fact]
    public async Task Two_thousand_clients_in_one_process_connect_and_each_gets_its_command()
    {
        await using var fixture = await BrokerFixture.StartAsync(o => o.MaxConnections = 5000);
        const int Poles = 2000;
        var received = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Connect in waves of 100, as a fleet coming online does: two thousand SYNs at the same instant
        // overflow the kernel's SYN backlog and measure TCP retransmission, not the broker.
        var clients = new List<MqttClient>();
        foreach (var wave in Enumerable.Range(0, Poles).Chunk(100))
        {
            clients.AddRange(await Task.WhenAll(wave.Select(ConnectPoleAsync)));
        }

        async Task<MqttClient> ConnectPoleAsync(int i)
        {
            var client = await fixture.ConnectAsync($"pole-{i}");
            client.MessageReceivedAsync = m =>
            {
                Assert.Equal($"sp/demo/pole-{i}/cmd/1", m.Topic);
                if (Interlocked.Increment(ref received) == Poles)
                {
                    all.SetResult();
                }

                return ValueTask.CompletedTask;
            };
            await client.SubscribeAsync($"sp/demo/pole-{i}/cmd/#", MqttQualityOfService.AtLeastOnce);
            return client;
        }

        for (var i = 0; i < Poles; i++)
        {
            await fixture.Broker.PublishAsync(new MqttApplicationMessage($"sp/demo/pole-{i}/cmd/1", Bytes("{\"action\":\"dim\"}"), MqttQualityOfService.AtLeastOnce));
        }

        await all.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Poles, fixture.Broker.ConnectedClients);
        Assert.Equal(Poles, clients.Count(c => c.IsConnected));
    }

    [Fact]
    public async Task Broker_reports_connected_clients_and_bound_port()
    {
        await using var fixture = await BrokerFixture.StartAsync();

        var client = await fixture.ConnectAsync("one");

        Assert.NotEqual(0, fixture.Broker.LocalEndPoint.Port);
        Assert.Equal(1, fixture.Broker.ConnectedClients);
        await client.DisconnectAsync();
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Start_on_a_taken_port_names_the_endpoint_and_the_setting()
    {
        await using var first = await BrokerFixture.StartAsync();
        await using var second = new MqttBroker(new MqttBrokerOptions { Host = "127.0.0.1", Port = first.Port });

        var error = await Assert.ThrowsAsync<MqttBrokerStartException>(() => second.StartAsync());

        Assert.Contains($"127.0.0.1:{first.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("set Mqtt:Port to another port (0 = any free port)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_publish_reaches_subscribers_and_is_retained()
    {
        await using var fixture = await BrokerFixture.StartAsync();
        var early = await fixture.ConnectAsync("early");
        var earlyInbox = Inbox.For(early);
        await early.SubscribeAsync("sp/c/p/config", MqttQualityOfService.AtLeastOnce);

        await fixture.Broker.PublishAsync(new MqttApplicationMessage("sp/c/p/config", Bytes("cfg"), MqttQualityOfService.AtLeastOnce, Retain: true));
        var late = await fixture.ConnectAsync("late");
        var lateInbox = Inbox.For(late);
        await late.SubscribeAsync("sp/c/p/config", MqttQualityOfService.AtLeastOnce);

        var live = await earlyInbox.NextAsync();
        Assert.False(live.Retain);
        var retained = await lateInbox.NextAsync();
        Assert.True(retained.Retain);
        Assert.Equal("cfg", Inbox.Text(retained));
    }
}
