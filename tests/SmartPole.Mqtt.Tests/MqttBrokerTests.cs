using System.Text;
using SmartPole.Mqtt.Packets;
using SmartPole.Testing;
using Xunit.Abstractions;

namespace SmartPole.Mqtt.Tests;

/// <summary>Broker rules that need a misbehaving peer or a controlled clock.</summary>
public sealed class MqttBrokerTests(ITestOutputHelper output)
{
    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Keep_alive_is_enforced_at_one_and_a_half_times_the_interval()
    {
        var clock = new ManualTimeProvider();
        await using var fixture = await BrokerFixture.StartAsync(timeProvider: clock, output: output);
        await using var peer = await RawPeer.ConnectAsync(fixture.Port, "sleepy", configure: c => c.KeepAliveSeconds = 10);

        clock.Advance(TimeSpan.FromSeconds(14));
        await peer.SendAsync(PingReqPacket.Instance);
        var pong = await peer.ReceiveAsync();
        clock.Advance(TimeSpan.FromSeconds(14.9));
        await peer.SendAsync(PingReqPacket.Instance);
        var secondPong = await peer.ReceiveAsync();
        clock.Advance(TimeSpan.FromSeconds(15));
        var afterSilence = await peer.ReceiveAsync();

        Assert.IsType<PingRespPacket>(pong);
        Assert.IsType<PingRespPacket>(secondPong);
        Assert.Null(afterSilence);
    }

    [Fact]
    public async Task A_connection_that_never_sends_connect_is_closed_after_the_connect_timeout()
    {
        var clock = new ManualTimeProvider();
        await using var fixture = await BrokerFixture.StartAsync(o => o.ConnectTimeout = TimeSpan.FromSeconds(5), clock, output);
        await using var peer = await RawPeer.OpenAsync(fixture.Port);

        clock.Advance(TimeSpan.FromSeconds(6));

        Assert.Null(await peer.ReceiveAsync());
    }

    [Fact]
    public async Task Duplicate_client_id_takes_the_session_over_and_tells_the_old_v5_connection()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var first = await RawPeer.ConnectAsync(fixture.Port, "dup", MqttProtocolVersion.V500);

        await using var second = await RawPeer.ConnectAsync(fixture.Port, "dup", MqttProtocolVersion.V500);

        var disconnect = Assert.IsType<DisconnectPacket>(await first.ReceiveAsync());
        Assert.Equal(MqttReasonCode.SessionTakenOver, disconnect.ReasonCode);
        Assert.Null(await first.ReceiveAsync());
        await second.SendAsync(PingReqPacket.Instance);
        Assert.IsType<PingRespPacket>(await second.ReceiveAsync());
        Assert.Equal(1, fixture.Broker.ConnectedClients);
    }

    [Fact]
    public async Task A_protocol_violation_disconnects_that_client_with_the_reason_and_nobody_else()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        var neighbour = await fixture.ConnectAsync("neighbour");
        var inbox = Inbox.For(neighbour);
        await neighbour.SubscribeAsync("n/#", MqttQualityOfService.AtLeastOnce);
        await using var rogue = await RawPeer.ConnectAsync(fixture.Port, "rogue", MqttProtocolVersion.V500);

        // PUBLISH to "a/+" (a wildcard in a topic name), written by hand: the encoder would refuse nothing here, but be explicit.
        await rogue.SendBytesAsync(new byte[] { 0x30, 0x06, 0x00, 0x03, (byte)'a', (byte)'/', (byte)'+', 0x00 });

        var disconnect = Assert.IsType<DisconnectPacket>(await rogue.ReceiveAsync());
        Assert.Equal(MqttReasonCode.TopicNameInvalid, disconnect.ReasonCode);
        Assert.Null(await rogue.ReceiveAsync());
        await neighbour.PublishAsync(new MqttApplicationMessage("n/1", Bytes("still here"), MqttQualityOfService.AtLeastOnce));
        Assert.Equal("still here", Inbox.Text(await inbox.NextAsync()));
    }

    [Fact]
    public async Task Garbage_instead_of_connect_is_closed_and_the_broker_keeps_serving()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var garbage = await RawPeer.OpenAsync(fixture.Port);

        await garbage.SendBytesAsync(Enumerable.Range(0, 64).Select(i => (byte)(i * 37)).ToArray());

        Assert.Null(await garbage.ReceiveAsync());
        var client = await fixture.ConnectAsync("fine");
        await client.PublishAsync(new MqttApplicationMessage("x", Bytes("y"), MqttQualityOfService.AtLeastOnce));
    }

    [Fact]
    public async Task Mqtt_31_connect_is_answered_with_unacceptable_protocol_version()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var old = await RawPeer.OpenAsync(fixture.Port);

        byte[] connect = [0x10, 0x10, 0x00, 0x06, .. "MQIsdp"u8, 0x03, 0x02, 0x00, 0x3C, 0x00, 0x02, (byte)'i', (byte)'d'];
        await old.SendBytesAsync(connect);

        var connAck = Assert.IsType<ConnAckPacket>(await old.ReceiveAsync());
        Assert.Equal(1, connAck.ReasonCode);
        Assert.Null(await old.ReceiveAsync());
    }

    [Fact]
    public async Task Anonymous_clients_are_refused_when_anonymous_access_is_off()
    {
        await using var fixture = await BrokerFixture.StartAsync(o => o.AllowAnonymous = false, output: output);
        var client = new MqttClient(new MqttClientOptions { Port = fixture.Port, ClientId = "anon" });

        var error = await Assert.ThrowsAsync<MqttConnectException>(() => client.ConnectAsync());

        Assert.Equal(MqttConnectReasonCode.NotAuthorized, error.ReasonCode);
        Assert.Equal(0, fixture.Broker.ConnectedClients);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task The_authenticate_hook_decides_and_sees_the_credentials(MqttProtocolVersion version)
    {
        await using var fixture = await BrokerFixture.StartAsync(o => o.AllowAnonymous = false, output: output);
        MqttConnectContext? seen = null;
        fixture.Broker.AuthenticateAsync = context =>
        {
            seen = context;
            var ok = context.Username == "pole-1" && Encoding.UTF8.GetString(context.Password.Span) == "right";
            return ValueTask.FromResult(ok ? MqttConnectReasonCode.Success : MqttConnectReasonCode.BadUserNameOrPassword);
        };
        var wrong = new MqttClient(new MqttClientOptions { Port = fixture.Port, ClientId = "p1", Username = "pole-1", Password = "wrong", ProtocolVersion = version });

        var error = await Assert.ThrowsAsync<MqttConnectException>(() => wrong.ConnectAsync());
        var right = await fixture.ConnectAsync("p1", o => { o.Username = "pole-1"; o.Password = "right"; o.ProtocolVersion = version; });

        Assert.Equal(MqttConnectReasonCode.BadUserNameOrPassword, error.ReasonCode);
        Assert.True(right.IsConnected);
        Assert.Equal(version, seen!.ProtocolVersion);
        Assert.Equal("p1", seen.ClientId);
    }

    [Fact]
    public async Task A_subscriber_that_stops_reading_does_not_hold_up_publishers()
    {
        await using var fixture = await BrokerFixture.StartAsync(o => o.MaxOutboundQueuePerConnection = 100, output: output);
        await using var stalled = await RawPeer.ConnectAsync(fixture.Port, "stalled");
        var subscribe = new SubscribePacket { PacketId = 1 };
        subscribe.Filters.Add(new MqttTopicFilter("flood/#", MqttQualityOfService.AtMostOnce));
        await stalled.SendAsync(subscribe);
        Assert.IsType<SubAckPacket>(await stalled.ReceiveAsync());
        var fast = await fixture.ConnectAsync("fast");
        var inbox = Inbox.For(fast);
        await fast.SubscribeAsync("flood/done", MqttQualityOfService.AtLeastOnce);
        var publisher = await fixture.ConnectAsync("publisher");
        var payload = new byte[8 * 1024];

        // Far more than the stalled socket's buffers hold: without the bound the broker would block or grow.
        for (var i = 0; i < 4000; i++)
        {
            await publisher.PublishAsync(new MqttApplicationMessage("flood/data", payload));
        }

        await publisher.PublishAsync(new MqttApplicationMessage("flood/done", Bytes("done"), MqttQualityOfService.AtLeastOnce)).WaitAsync(Inbox.Timeout);
        Assert.Equal("done", Inbox.Text(await inbox.NextAsync()));
    }

    [Fact]
    public async Task V5_will_waits_for_its_delay_and_is_cancelled_by_a_reconnect()
    {
        var clock = new ManualTimeProvider();
        await using var fixture = await BrokerFixture.StartAsync(timeProvider: clock, output: output);
        var watcher = await fixture.ConnectAsync("watcher", o => o.KeepAlive = TimeSpan.Zero);
        var inbox = Inbox.For(watcher);
        await watcher.SubscribeAsync("status/#", MqttQualityOfService.AtLeastOnce);
        void Gateway(MqttClientOptions o)
        {
            o.ProtocolVersion = MqttProtocolVersion.V500;
            o.CleanSession = false;
            o.SessionExpiryInterval = 600;
            o.KeepAlive = TimeSpan.Zero;
            o.Will = new MqttApplicationMessage("status/gw", Bytes("offline"), MqttQualityOfService.AtLeastOnce);
            o.WillDelay = TimeSpan.FromSeconds(30);
        }

        var gateway = await fixture.ConnectAsync("gw", Gateway);
        await gateway.AbortAsync();
        await WaitUntilAsync(() => fixture.Broker.ConnectedClients == 1);
        clock.Advance(TimeSpan.FromSeconds(20));
        await gateway.ConnectAsync();
        clock.Advance(TimeSpan.FromSeconds(20));
        await watcher.PublishAsync(new MqttApplicationMessage("status/marker", Bytes("m"), MqttQualityOfService.AtLeastOnce));
        var first = await inbox.NextAsync();
        await gateway.AbortAsync();
        await WaitUntilAsync(() => fixture.Broker.ConnectedClients == 1);
        clock.Advance(TimeSpan.FromSeconds(29));
        await watcher.PublishAsync(new MqttApplicationMessage("status/marker", Bytes("m2"), MqttQualityOfService.AtLeastOnce));
        var second = await inbox.NextAsync();
        clock.Advance(TimeSpan.FromSeconds(2));
        var will = await inbox.NextAsync();

        Assert.Equal("status/marker", first.Topic);
        Assert.Equal("m2", Inbox.Text(second));
        Assert.Equal("status/gw", will.Topic);
        Assert.Equal("offline", Inbox.Text(will));
    }

    [Fact]
    public async Task V5_session_expires_after_its_interval()
    {
        var clock = new ManualTimeProvider();
        await using var fixture = await BrokerFixture.StartAsync(timeProvider: clock, output: output);
        void Keeper(MqttClientOptions o)
        {
            o.ProtocolVersion = MqttProtocolVersion.V500;
            o.CleanSession = false;
            o.SessionExpiryInterval = 10;
            o.KeepAlive = TimeSpan.Zero;
        }

        var keeper = await fixture.ConnectAsync("keeper", Keeper);
        await keeper.SubscribeAsync("q/#", MqttQualityOfService.AtLeastOnce);
        await keeper.DisconnectAsync();
        await WaitUntilAsync(() => fixture.Broker.ConnectedClients == 0);
        var publisher = await fixture.ConnectAsync("pub", o => o.KeepAlive = TimeSpan.Zero);
        await publisher.PublishAsync(new MqttApplicationMessage("q/kept", Bytes("1"), MqttQualityOfService.AtLeastOnce));
        var inbox = Inbox.For(keeper);
        await keeper.ConnectAsync();
        var kept = await inbox.NextAsync();
        await keeper.DisconnectAsync();
        await WaitUntilAsync(() => fixture.Broker.ConnectedClients == 1);
        await publisher.PublishAsync(new MqttApplicationMessage("q/lost", Bytes("2"), MqttQualityOfService.AtLeastOnce));

        clock.Advance(TimeSpan.FromSeconds(11));
        await keeper.ConnectAsync();
        await keeper.SubscribeAsync("q/#", MqttQualityOfService.AtLeastOnce);
        await publisher.PublishAsync(new MqttApplicationMessage("q/marker", Bytes("3"), MqttQualityOfService.AtLeastOnce));

        Assert.Equal("q/kept", kept.Topic);
        Assert.Equal("q/marker", (await inbox.NextAsync()).Topic);
    }

    [Fact]
    public async Task Queued_message_past_its_expiry_is_not_delivered()
    {
        var clock = new ManualTimeProvider();
        await using var fixture = await BrokerFixture.StartAsync(timeProvider: clock, output: output);
        var keeper = await fixture.ConnectAsync("keeper", o => { o.CleanSession = false; o.KeepAlive = TimeSpan.Zero; });
        await keeper.SubscribeAsync("q/#", MqttQualityOfService.AtLeastOnce);
        await keeper.DisconnectAsync();
        await WaitUntilAsync(() => fixture.Broker.ConnectedClients == 0);
        var publisher = await fixture.ConnectAsync("pub", o => { o.ProtocolVersion = MqttProtocolVersion.V500; o.KeepAlive = TimeSpan.Zero; });
        await publisher.PublishAsync(new MqttApplicationMessage("q/short", Bytes("1"), MqttQualityOfService.AtLeastOnce) { MessageExpiryInterval = 5 });
        await publisher.PublishAsync(new MqttApplicationMessage("q/long", Bytes("2"), MqttQualityOfService.AtLeastOnce) { MessageExpiryInterval = 60 });

        clock.Advance(TimeSpan.FromSeconds(6));
        var inbox = Inbox.For(keeper);
        await keeper.ConnectAsync();

        Assert.Equal("q/long", (await inbox.NextAsync()).Topic);
    }

    [Fact]
    public async Task Shared_subscription_hands_each_message_to_one_member()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        var counts = new int[2];
        var total = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < 2; i++)
        {
            var index = i;
            var member = await fixture.ConnectAsync($"worker-{i}", o => o.ProtocolVersion = MqttProtocolVersion.V500);
            member.MessageReceivedAsync = _ =>
            {
                Interlocked.Increment(ref counts[index]);
                if (Interlocked.Increment(ref total) == 20)
                {
                    all.SetResult();
                }

                return ValueTask.CompletedTask;
            };
            await member.SubscribeAsync("$share/ingest/sp/#", MqttQualityOfService.AtLeastOnce);
        }

        var publisher = await fixture.ConnectAsync("pub");
        for (var i = 0; i < 20; i++)
        {
            await publisher.PublishAsync(new MqttApplicationMessage("sp/c/p/telemetry", Bytes($"{i}"), MqttQualityOfService.AtLeastOnce));
        }

        await all.Task.WaitAsync(Inbox.Timeout);
        Assert.Equal(20, counts.Sum());
        Assert.All(counts, c => Assert.InRange(c, 1, 19));
    }

    [Fact]
    public async Task Exceeding_the_receive_maximum_disconnects_with_0x93()
    {
        await using var fixture = await BrokerFixture.StartAsync(o => o.ReceiveMaximum = 2, output: output);
        await using var peer = await RawPeer.ConnectAsync(fixture.Port, "greedy", MqttProtocolVersion.V500);

        for (ushort id = 1; id <= 3; id++)
        {
            await peer.SendAsync(new PublishPacket { Topic = "t", Payload = Bytes("x"), Qos = MqttQualityOfService.ExactlyOnce, PacketId = id });
        }

        Assert.IsType<AckPacket>(await peer.ReceiveAsync());
        Assert.IsType<AckPacket>(await peer.ReceiveAsync());
        var disconnect = Assert.IsType<DisconnectPacket>(await peer.ReceiveAsync());
        Assert.Equal(MqttReasonCode.ReceiveMaximumExceeded, disconnect.ReasonCode);
    }

    [Fact]
    public async Task A_packet_over_the_maximum_size_disconnects_with_0x95()
    {
        await using var fixture = await BrokerFixture.StartAsync(o => o.MaxPacketSize = 1000, output: output);
        await using var peer = await RawPeer.ConnectAsync(fixture.Port, "big", MqttProtocolVersion.V500);

        await peer.SendAsync(new PublishPacket { Topic = "t", Payload = new byte[2000] });

        var disconnect = Assert.IsType<DisconnectPacket>(await peer.ReceiveAsync());
        Assert.Equal(MqttReasonCode.PacketTooLarge, disconnect.ReasonCode);
    }

    [Fact]
    public async Task Qos2_resend_before_pubrel_is_delivered_once()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        var hooked = 0;
        fixture.Broker.MessageReceivedAsync = (_, _) =>
        {
            Interlocked.Increment(ref hooked);
            return ValueTask.CompletedTask;
        };
        await using var peer = await RawPeer.ConnectAsync(fixture.Port, "resender");
        var publish = new PublishPacket { Topic = "t", Payload = Bytes("x"), Qos = MqttQualityOfService.ExactlyOnce, PacketId = 9 };

        await peer.SendAsync(publish);
        var pubRec = await peer.ReceiveAsync();
        publish.Dup = true;
        await peer.SendAsync(publish);
        var secondPubRec = await peer.ReceiveAsync();
        await peer.SendAsync(new AckPacket(MqttPacketType.PubRel, 9));
        var pubComp = await peer.ReceiveAsync();

        Assert.Equal(MqttPacketType.PubRec, Assert.IsType<AckPacket>(pubRec).Type);
        Assert.Equal(MqttPacketType.PubRec, Assert.IsType<AckPacket>(secondPubRec).Type);
        Assert.Equal(MqttPacketType.PubComp, Assert.IsType<AckPacket>(pubComp).Type);
        Assert.Equal(1, hooked);
    }

    [Fact]
    public async Task V5_client_without_id_gets_one_assigned_and_a_server_keep_alive()
    {
        await using var fixture = await BrokerFixture.StartAsync(o => o.MaxKeepAlive = TimeSpan.FromSeconds(60), output: output);
        await using var peer = await RawPeer.OpenAsync(fixture.Port, MqttProtocolVersion.V500);

        await peer.SendAsync(new ConnectPacket { ProtocolVersion = MqttProtocolVersion.V500, ClientId = "", KeepAliveSeconds = 0 });

        var connAck = Assert.IsType<ConnAckPacket>(await peer.ReceiveAsync());
        Assert.Equal(0, connAck.ReasonCode);
        Assert.False(string.IsNullOrEmpty(connAck.Properties!.AssignedClientIdentifier));
        Assert.Equal((ushort)60, connAck.Properties.ServerKeepAlive);
    }

    [Fact]
    public async Task V311_client_without_id_and_without_clean_session_is_refused()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var peer = await RawPeer.OpenAsync(fixture.Port);

        await peer.SendAsync(new ConnectPacket { ClientId = "", CleanSession = false });

        Assert.Equal(2, Assert.IsType<ConnAckPacket>(await peer.ReceiveAsync()).ReasonCode);
    }

    [Fact]
    public async Task Invalid_filter_is_refused_in_suback_without_dropping_the_connection()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var peer = await RawPeer.ConnectAsync(fixture.Port, "filters", MqttProtocolVersion.V500);
        var subscribe = new SubscribePacket { PacketId = 3 };
        subscribe.Filters.Add(new MqttTopicFilter("a/#/b", MqttQualityOfService.AtLeastOnce));
        subscribe.Filters.Add(new MqttTopicFilter("a/+", MqttQualityOfService.ExactlyOnce));

        await peer.SendAsync(subscribe);

        var subAck = Assert.IsType<SubAckPacket>(await peer.ReceiveAsync());
        Assert.Equal([MqttReasonCode.TopicFilterInvalid, MqttReasonCode.GrantedQos2], subAck.ReasonCodes);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Authorization_hooks_keep_a_client_to_its_own_topics(MqttProtocolVersion version)
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        var ingested = new List<string>();
        fixture.Broker.MessageReceivedAsync = (m, _) =>
        {
            ingested.Add(m.Message.Topic);
            return ValueTask.CompletedTask;
        };
        fixture.Broker.AuthorizePublishAsync = m => ValueTask.FromResult(m.Message.Topic.StartsWith($"sp/city/{m.Username}/", StringComparison.Ordinal));
        fixture.Broker.AuthorizeSubscribeAsync = s => ValueTask.FromResult(s.TopicFilter == $"sp/city/{s.Username}/cmd/#");
        var pole = await fixture.ConnectAsync("p1", o => { o.Username = "p1"; o.ProtocolVersion = version; });

        var foreignSubscribe = await Assert.ThrowsAsync<MqttRefusedException>(() => pole.SubscribeAsync("sp/city/p2/cmd/#", MqttQualityOfService.AtLeastOnce));
        await pole.SubscribeAsync("sp/city/p1/cmd/#", MqttQualityOfService.AtLeastOnce);
        var foreignPublish = pole.PublishAsync(new MqttApplicationMessage("sp/city/p2/telemetry", Bytes("x"), MqttQualityOfService.AtLeastOnce));
        if (version == MqttProtocolVersion.V500)
        {
            var refused = await Assert.ThrowsAsync<MqttRefusedException>(() => foreignPublish);
            Assert.Equal(MqttReasonCode.NotAuthorized, refused.ReasonCode);
        }
        else
        {
            await foreignPublish;
        }

        await pole.PublishAsync(new MqttApplicationMessage("sp/city/p1/telemetry", Bytes("x"), MqttQualityOfService.AtLeastOnce));

        Assert.Equal(version == MqttProtocolVersion.V500 ? MqttReasonCode.NotAuthorized : MqttReasonCode.UnspecifiedError, foreignSubscribe.ReasonCode);
        Assert.Equal(["sp/city/p1/telemetry"], ingested);
    }

    [Fact]
    public async Task A_will_on_a_forbidden_topic_refuses_the_connection()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        fixture.Broker.AuthorizePublishAsync = m => ValueTask.FromResult(m.Message.Topic.StartsWith("own/", StringComparison.Ordinal));
        var client = new MqttClient(new MqttClientOptions
        {
            Port = fixture.Port,
            ClientId = "sneaky",
            Will = new MqttApplicationMessage("other/status", Bytes("offline")),
        });

        var error = await Assert.ThrowsAsync<MqttConnectException>(() => client.ConnectAsync());

        Assert.Equal(MqttConnectReasonCode.NotAuthorized, error.ReasonCode);
    }

    [Fact]
    public async Task A_connection_handed_in_as_pipes_is_served_like_a_tcp_one()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        var subscriber = await fixture.ConnectAsync("tcp-side");
        var inbox = Inbox.For(subscriber);
        await subscriber.SubscribeAsync("ws/#", MqttQualityOfService.AtLeastOnce);
        var toBroker = new System.IO.Pipelines.Pipe();
        var fromBroker = new System.IO.Pipelines.Pipe();
        var serving = fixture.Broker.HandleConnectionAsync(new DuplexPipe(toBroker.Reader, fromBroker.Writer), CancellationToken.None);

        // CONNECT (3.1.1, client id "ws"), PUBLISH QoS 1 to ws/1, DISCONNECT, written as raw bytes.
        byte[] connect = [0x10, 0x0E, 0x00, 0x04, .. "MQTT"u8, 0x04, 0x02, 0x00, 0x00, 0x00, 0x02, (byte)'w', (byte)'s'];
        byte[] publish = [0x32, 0x09, 0x00, 0x04, .. "ws/1"u8, 0x00, 0x07, (byte)'!'];
        await toBroker.Writer.WriteAsync(connect);
        await toBroker.Writer.WriteAsync(publish);
        var connAck = await fromBroker.Reader.ReadAtLeastAsync(8).AsTask().WaitAsync(Inbox.Timeout);
        var answer = System.Buffers.BuffersExtensions.ToArray(connAck.Buffer.Slice(0, 8));
        fromBroker.Reader.AdvanceTo(connAck.Buffer.GetPosition(8));
        await toBroker.Writer.WriteAsync(new byte[] { 0xE0, 0x00 });
        await serving.WaitAsync(Inbox.Timeout);

        Assert.Equal([0x20, 0x02, 0x00, 0x00, 0x40, 0x02, 0x00, 0x07], answer);
        Assert.Equal("!", Inbox.Text(await inbox.NextAsync()));
    }

    [Fact]
    public async Task Stop_tells_v5_clients_the_server_is_shutting_down_and_waits_for_them()
    {
        var fixture = await BrokerFixture.StartAsync(output: output);
        await using var peer = await RawPeer.ConnectAsync(fixture.Port, "v5", MqttProtocolVersion.V500);

        await fixture.Broker.StopAsync().WaitAsync(Inbox.Timeout);

        var disconnect = Assert.IsType<DisconnectPacket>(await peer.ReceiveAsync());
        Assert.Equal(MqttReasonCode.ServerShuttingDown, disconnect.ReasonCode);
        Assert.Equal(0, fixture.Broker.ConnectedClients);
        await fixture.DisposeAsync();
    }

    [Fact]
    public async Task A_311_persistent_session_ends_after_the_broker_maximum()
    {
        var clock = new ManualTimeProvider();
        await using var fixture = await BrokerFixture.StartAsync(o => o.MaxSessionExpiry = TimeSpan.FromHours(1), clock, output);
        await using (var first = await RawPeer.ConnectAsync(fixture.Port, "keeper", configure: c => c.CleanSession = false))
        {
            await first.SendAsync(new DisconnectPacket());
            Assert.Null(await first.ReceiveAsync());
        }

        await WaitUntilAsync(() => fixture.Broker.ConnectedClients == 0);
        var resumed = await ConnectAndReadSessionPresentAsync(fixture.Port);
        clock.Advance(TimeSpan.FromHours(1.01));
        var afterExpiry = await ConnectAndReadSessionPresentAsync(fixture.Port);

        Assert.True(resumed);
        Assert.False(afterExpiry);
    }

    [Fact]
    public async Task V5_session_expiry_above_the_maximum_is_capped_and_the_client_told()
    {
        await using var fixture = await BrokerFixture.StartAsync(o => o.MaxSessionExpiry = TimeSpan.FromMinutes(10), output: output);
        await using var peer = await RawPeer.OpenAsync(fixture.Port, MqttProtocolVersion.V500);

        await peer.SendAsync(new ConnectPacket { ProtocolVersion = MqttProtocolVersion.V500, ClientId = "long", Properties = new MqttProperties { SessionExpiryInterval = uint.MaxValue } });

        var connAck = Assert.IsType<ConnAckPacket>(await peer.ReceiveAsync());
        Assert.Equal(600u, connAck.Properties!.SessionExpiryInterval);
    }

    [Fact]
    public async Task Enhanced_authentication_with_an_unknown_method_is_refused_with_0x8C()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        fixture.Broker.EnhancedAuthenticateAsync = e => ValueTask.FromResult(e.Method == "TOKEN"
            ? MqttAuthenticationResult.Succeed()
            : MqttAuthenticationResult.Refuse(MqttConnectReasonCode.BadAuthenticationMethod));
        await using var peer = await RawPeer.OpenAsync(fixture.Port, MqttProtocolVersion.V500);

        await peer.SendAsync(new ConnectPacket { ProtocolVersion = MqttProtocolVersion.V500, ClientId = "scram", Properties = new MqttProperties { AuthenticationMethod = "SCRAM-SHA-1" } });

        Assert.Equal((byte)MqttConnectReasonCode.BadAuthenticationMethod, Assert.IsType<ConnAckPacket>(await peer.ReceiveAsync()).ReasonCode);
        Assert.Null(await peer.ReceiveAsync());
        Assert.Equal(0, fixture.Broker.ConnectedClients);
    }

    [Fact]
    public async Task Enhanced_authentication_runs_a_challenge_and_response_exchange_before_connack()
    {
        await using var fixture = await BrokerFixture.StartAsync(o => o.AllowAnonymous = false, output: output);
        var steps = new List<string>();
        fixture.Broker.EnhancedAuthenticateAsync = e =>
        {
            var data = Encoding.UTF8.GetString(e.Data.Span);
            steps.Add($"{e.Step}:{data}");
            return ValueTask.FromResult(e.Step switch
            {
                0 when data == "hello" => MqttAuthenticationResult.Continue(Bytes("nonce-1")),
                1 when data == "proof(nonce-1)" => MqttAuthenticationResult.Succeed(Bytes("server-proof")),
                _ => MqttAuthenticationResult.Refuse(MqttConnectReasonCode.NotAuthorized),
            });
        };
        await using var peer = await RawPeer.OpenAsync(fixture.Port, MqttProtocolVersion.V500);

        await peer.SendAsync(new ConnectPacket { ProtocolVersion = MqttProtocolVersion.V500, ClientId = "pole-9", Properties = new MqttProperties { AuthenticationMethod = "DEMO", AuthenticationData = Bytes("hello").ToArray() } });
        var challenge = Assert.IsType<AuthPacket>(await peer.ReceiveAsync());
        await peer.SendAsync(new AuthPacket { ReasonCode = MqttReasonCode.ContinueAuthentication, Properties = new MqttProperties { AuthenticationMethod = "DEMO", AuthenticationData = Bytes("proof(nonce-1)").ToArray() } });
        var connAck = Assert.IsType<ConnAckPacket>(await peer.ReceiveAsync());

        Assert.Equal(MqttReasonCode.ContinueAuthentication, challenge.ReasonCode);
        Assert.Equal("DEMO", challenge.Properties!.AuthenticationMethod);
        Assert.Equal("nonce-1", Encoding.UTF8.GetString(challenge.Properties.AuthenticationData!));
        Assert.Equal(0, connAck.ReasonCode);
        Assert.Equal("DEMO", connAck.Properties!.AuthenticationMethod);
        Assert.Equal("server-proof", Encoding.UTF8.GetString(connAck.Properties.AuthenticationData!));
        Assert.Equal(["0:hello", "1:proof(nonce-1)"], steps);
        Assert.Equal(1, fixture.Broker.ConnectedClients);
    }

    [Fact]
    public async Task A_wrong_proof_is_refused_and_a_packet_other_than_auth_mid_exchange_is_a_protocol_error()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        fixture.Broker.EnhancedAuthenticateAsync = e => ValueTask.FromResult(e.Step == 0
            ? MqttAuthenticationResult.Continue(Bytes("nonce"))
            : MqttAuthenticationResult.Refuse(MqttConnectReasonCode.NotAuthorized));
        await using var wrong = await RawPeer.OpenAsync(fixture.Port, MqttProtocolVersion.V500);
        await using var rude = await RawPeer.OpenAsync(fixture.Port, MqttProtocolVersion.V500);
        var connect = new ConnectPacket { ProtocolVersion = MqttProtocolVersion.V500, ClientId = "x", Properties = new MqttProperties { AuthenticationMethod = "DEMO" } };

        await wrong.SendAsync(connect);
        Assert.IsType<AuthPacket>(await wrong.ReceiveAsync());
        await wrong.SendAsync(new AuthPacket { ReasonCode = MqttReasonCode.ContinueAuthentication, Properties = new MqttProperties { AuthenticationMethod = "DEMO", AuthenticationData = [1] } });
        await rude.SendAsync(connect);
        Assert.IsType<AuthPacket>(await rude.ReceiveAsync());
        await rude.SendAsync(PingReqPacket.Instance);

        Assert.Equal((byte)MqttConnectReasonCode.NotAuthorized, Assert.IsType<ConnAckPacket>(await wrong.ReceiveAsync()).ReasonCode);
        Assert.Equal((byte)MqttReasonCode.ProtocolError, Assert.IsType<ConnAckPacket>(await rude.ReceiveAsync()).ReasonCode);
        Assert.Equal(0, fixture.Broker.ConnectedClients);
    }

    [Fact]
    public async Task A_client_re_authenticates_on_a_live_connection_and_a_failed_one_is_disconnected()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        fixture.Broker.EnhancedAuthenticateAsync = e => ValueTask.FromResult(Encoding.UTF8.GetString(e.Data.Span) == "valid"
            ? MqttAuthenticationResult.Succeed(Bytes(e.Reauthenticating ? "renewed" : "welcome"))
            : MqttAuthenticationResult.Refuse(MqttConnectReasonCode.NotAuthorized));
        await using var peer = await RawPeer.ConnectAsync(fixture.Port, "renewer", MqttProtocolVersion.V500,
            c => c.Properties = new MqttProperties { AuthenticationMethod = "TOKEN", AuthenticationData = Bytes("valid").ToArray() });

        await peer.SendAsync(new AuthPacket { ReasonCode = MqttReasonCode.ReAuthenticate, Properties = new MqttProperties { AuthenticationMethod = "TOKEN", AuthenticationData = Bytes("valid").ToArray() } });
        var renewed = Assert.IsType<AuthPacket>(await peer.ReceiveAsync());
        await peer.SendAsync(new AuthPacket { ReasonCode = MqttReasonCode.ReAuthenticate, Properties = new MqttProperties { AuthenticationMethod = "TOKEN", AuthenticationData = Bytes("expired").ToArray() } });
        var disconnect = Assert.IsType<DisconnectPacket>(await peer.ReceiveAsync());

        Assert.Equal(MqttReasonCode.Success, renewed.ReasonCode);
        Assert.Equal("renewed", Encoding.UTF8.GetString(renewed.Properties!.AuthenticationData!));
        Assert.Equal(MqttReasonCode.NotAuthorized, disconnect.ReasonCode);
    }

    [Fact]
    public async Task Auth_from_a_client_that_did_not_use_enhanced_authentication_is_a_protocol_error()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var peer = await RawPeer.ConnectAsync(fixture.Port, "plain", MqttProtocolVersion.V500);

        await peer.SendAsync(new AuthPacket { ReasonCode = MqttReasonCode.ReAuthenticate, Properties = new MqttProperties { AuthenticationMethod = "TOKEN" } });

        Assert.Equal(MqttReasonCode.ProtocolError, Assert.IsType<DisconnectPacket>(await peer.ReceiveAsync()).ReasonCode);
    }

    [Fact]
    public async Task The_broker_aliases_repeated_topics_within_the_clients_topic_alias_maximum()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var peer = await RawPeer.ConnectAsync(fixture.Port, "aliased", MqttProtocolVersion.V500,
            c => c.Properties = new MqttProperties { TopicAliasMaximum = 2 });
        await peer.SendAsync(new SubscribePacket { PacketId = 1, Filters = { new MqttTopicFilter("t/#", MqttQualityOfService.AtMostOnce) } });
        Assert.IsType<SubAckPacket>(await peer.ReceiveAsync());

        string[] topics = ["t/a", "t/a", "t/b", "t/c", "t/a", "t/c"];
        foreach (var topic in topics)
        {
            await fixture.Broker.PublishAsync(new MqttApplicationMessage(topic, Bytes(topic)));
        }

        var received = new List<PublishPacket>();
        foreach (var _ in topics)
        {
            received.Add(Assert.IsType<PublishPacket>(await peer.ReceiveAsync()));
        }

        // Slots 1, 2 in turn: a→1, b→2, c replaces a in 1, a replaces b in 2, c is known.
        Assert.Equal(["t/a 1", " 1", "t/b 2", "t/c 1", "t/a 2", " 1"], received.Select(p => $"{p.Topic} {p.Properties!.TopicAlias}"));
        Assert.Equal(topics, received.Select(p => Encoding.UTF8.GetString(p.Payload.Span)));
    }

    [Fact]
    public async Task Connections_over_the_limit_are_closed_and_the_others_keep_working()
    {
        await using var fixture = await BrokerFixture.StartAsync(o => o.MaxConnections = 2, output: output);
        var first = await fixture.ConnectAsync("one");
        await using var second = await RawPeer.ConnectAsync(fixture.Port, "two");

        await using var third = await RawPeer.OpenAsync(fixture.Port);

        Assert.Null(await third.ReceiveAsync());
        await first.PublishAsync(new MqttApplicationMessage("x", Bytes("y"), MqttQualityOfService.AtLeastOnce));
        Assert.Equal(2, fixture.Broker.ConnectedClients);
    }

    private static async Task<bool> ConnectAndReadSessionPresentAsync(int port)
    {
        await using var peer = await RawPeer.OpenAsync(port);
        await peer.SendAsync(new ConnectPacket { ClientId = "keeper", CleanSession = false });
        var connAck = Assert.IsType<ConnAckPacket>(await peer.ReceiveAsync());
        await peer.SendAsync(new DisconnectPacket());
        Assert.Null(await peer.ReceiveAsync());
        return connAck.SessionPresent;
    }

    private static async Task WaitUntilAsync(Func<bool> condition) =>
        await WaitFor.ConditionAsync(() => Task.FromResult(condition()), Inbox.Timeout, () => "broker state did not settle");
}
