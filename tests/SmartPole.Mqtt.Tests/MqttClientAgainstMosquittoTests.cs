using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
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

        await gateway.DropConnectionAsync();

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

    [Theory]
    [InlineData(MqttQualityOfService.AtLeastOnce)]
    [InlineData(MqttQualityOfService.ExactlyOnce)]
    public async Task Client_rides_through_a_mosquitto_restart_mid_stream_and_loses_no_message(MqttQualityOfService qos)
    {
        // A window wider than anything in flight here: Mosquitto 2.0 restores what lay beyond its window
        // (default 20) as new PUBLISHes, even messages it had already sent PUBREL for, which a subscriber
        // must then deliver again (MosquittoRestartQos2Tests shows it with raw packets).
        await using var mosquitto = await MosquittoBroker.StartAsync("max_inflight_messages 1000");
        var received = new ConcurrentDictionary<int, int>();
        var subscriber = await ConnectAsync("durable-sub", o => Durable(o, mosquitto.Port));
        subscriber.MessageReceivedAsync = m =>
        {
            received.AddOrUpdate(int.Parse(Inbox.Text(m), CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
            return ValueTask.CompletedTask;
        };
        await subscriber.SubscribeAsync("stream/#", qos);
        var publisher = await ConnectAsync("durable-pub", o => { Durable(o, mosquitto.Port); o.MaxInflight = 10; });

        // Publishing never pauses: some messages are in flight when Mosquitto stops, more wait while it is
        // down, and the stream goes on for 100 more once it is back.
        Task? restart = null;
        var inFlight = new Queue<Task>();
        var sent = 0;
        var sentAfterRestart = 0;
        while (sentAfterRestart < 100)
        {
            if (sent == 100)
            {
                restart = mosquitto.RestartAsync(TimeSpan.FromMilliseconds(500), graceful: true);
            }

            if (restart is { IsCompleted: true })
            {
                sentAfterRestart++;
            }

            inFlight.Enqueue(publisher.PublishAsync(new MqttApplicationMessage("stream/a", Encoding.UTF8.GetBytes($"{sent++}"), qos)));
            if (inFlight.Count == 10)
            {
                await inFlight.Dequeue().WaitAsync(TimeSpan.FromSeconds(20));
            }
        }

        await restart!;
        await Task.WhenAll(inFlight).WaitAsync(TimeSpan.FromSeconds(20));

        await WaitFor.ConditionAsync(() => Task.FromResult(received.Count == sent), TimeSpan.FromSeconds(20), () =>
            $"{received.Count} of {sent} received; missing: {string.Join(", ", Enumerable.Range(0, sent).Where(i => !received.ContainsKey(i)))}\n{mosquitto.Output}");
        Assert.True(subscriber.SessionPresent, "the subscriber's session did not survive the restart");
        Assert.True(publisher.SessionPresent, "the publisher's session did not survive the restart");
        if (qos == MqttQualityOfService.ExactlyOnce)
        {
            Assert.All(received, r => Assert.True(r.Value == 1, $"message {r.Key} delivered {r.Value} times"));
        }
    }

    [Fact]
    public async Task Publishes_made_in_order_reach_mosquitto_in_order_across_reconnects()
    {
        var firstArrivals = new List<int>();
        var seen = new HashSet<int>();
        var subscriber = await ConnectAsync("order-sub");
        subscriber.MessageReceivedAsync = m =>
        {
            var n = int.Parse(Inbox.Text(m), CultureInfo.InvariantCulture);
            lock (seen)
            {
                if (seen.Add(n))
                {
                    firstArrivals.Add(n);
                }
            }

            return ValueTask.CompletedTask;
        };
        await subscriber.SubscribeAsync("order/#", MqttQualityOfService.AtLeastOnce);
        var publisher = await ConnectAsync("order-pub", o => { Durable(o, _mosquitto.Port); o.MaxInflight = 10; });

        // One caller, ten in flight, the connection dropped every 100: callers that waited for the
        // reconnect wake together, and their PUBLISHes must still leave in the order they were made.
        const int Count = 1500;
        var inFlight = new Queue<Task>();
        for (var i = 0; i < Count; i++)
        {
            if (i % 100 == 50)
            {
                await publisher.DropConnectionAsync();
            }

            inFlight.Enqueue(publisher.PublishAsync(new MqttApplicationMessage("order/a", Encoding.UTF8.GetBytes($"{i}"), MqttQualityOfService.AtLeastOnce)));
            if (inFlight.Count == 10)
            {
                await inFlight.Dequeue().WaitAsync(TimeSpan.FromSeconds(20));
            }
        }

        await Task.WhenAll(inFlight).WaitAsync(TimeSpan.FromSeconds(20));
        await WaitFor.ConditionAsync(() => Task.FromResult(seen.Count == Count), TimeSpan.FromSeconds(20), () => $"{seen.Count} of {Count} received");

        // QoS 1 may repeat a message after a reconnect; a message's first arrival may never overtake an earlier one.
        lock (seen)
        {
            Assert.Equal(Enumerable.Range(0, Count), firstArrivals);
        }
    }

    [Theory]
    [InlineData(MqttQualityOfService.AtLeastOnce)]
    [InlineData(MqttQualityOfService.ExactlyOnce)]
    public async Task Client_resends_what_it_published_while_a_killed_mosquitto_was_down(MqttQualityOfService qos)
    {
        // Save on every change, so the subscriber's session survives the crash.
        await using var mosquitto = await MosquittoBroker.StartAsync("autosave_on_changes true");
        var received = new ConcurrentDictionary<string, byte>();
        var subscriber = await ConnectAsync("durable-sub", o => Durable(o, mosquitto.Port));
        subscriber.MessageReceivedAsync = m =>
        {
            received.TryAdd(Inbox.Text(m), 0);
            return ValueTask.CompletedTask;
        };
        await subscriber.SubscribeAsync("stream/#", qos);
        var publisher = await ConnectAsync("durable-pub", o => { Durable(o, mosquitto.Port); o.MaxInflight = 10; });
        for (var i = 0; i < 50; i++)
        {
            await publisher.PublishAsync(new MqttApplicationMessage("stream/a", Encoding.UTF8.GetBytes($"before-{i}"), qos));
        }

        await WaitFor.ConditionAsync(() => Task.FromResult(received.Count == 50), Inbox.Timeout, () => $"{received.Count} of 50 before the restart");

        // SIGKILL, one second down, then the same port and persistence again; publishing goes on meanwhile.
        // (What a killed Mosquitto acknowledged but had not saved yet is its own loss, not the client's:
        // here every message was delivered before the kill or is still the client's to resend.)
        var restart = mosquitto.RestartAsync(TimeSpan.FromSeconds(1));
        await WaitFor.ConditionAsync(() => Task.FromResult(!publisher.IsConnected), Inbox.Timeout, () => "the publisher did not notice the broker going away");
        var during = Enumerable.Range(0, 100)
            .Select(i => publisher.PublishAsync(new MqttApplicationMessage("stream/b", Encoding.UTF8.GetBytes($"after-{i}"), qos)))
            .ToArray();
        await restart;
        await Task.WhenAll(during).WaitAsync(TimeSpan.FromSeconds(20));

        await WaitFor.ConditionAsync(() => Task.FromResult(received.Count == 150), TimeSpan.FromSeconds(20), () =>
            $"{received.Count} of 150 received; missing: {string.Join(", ", Enumerable.Range(0, 100).Select(i => $"after-{i}").Where(t => !received.ContainsKey(t)))}\n{mosquitto.Output}");
        Assert.All(Enumerable.Range(0, 100), i => Assert.True(received.ContainsKey($"after-{i}"), $"after-{i} lost"));
        Assert.True(subscriber.SessionPresent, "the subscriber's session did not survive the crash");
        Assert.True(publisher.IsConnected);
        Assert.True(subscriber.IsConnected);
    }

    [Fact]
    public async Task Client_subscribes_again_when_a_restarted_mosquitto_forgot_its_session()
    {
        await using var mosquitto = await MosquittoBroker.StartAsync("persistence false");
        var subscriber = await ConnectAsync("forgotten", o => Durable(o, mosquitto.Port));
        var inbox = Inbox.For(subscriber);
        await subscriber.SubscribeAsync("lost/#", MqttQualityOfService.AtLeastOnce);

        await mosquitto.RestartAsync(graceful: true);
        var publisher = await ConnectAsync("pub", o => o.Port = mosquitto.Port);
        // Retained: it reaches the subscriber whether its SUBSCRIBE comes before or after this publish.
        await publisher.PublishAsync(new MqttApplicationMessage("lost/1", Encoding.UTF8.GetBytes("after"), MqttQualityOfService.AtLeastOnce, Retain: true));

        Assert.Equal("after", Inbox.Text(await inbox.NextAsync()));
        Assert.False(subscriber.SessionPresent);
    }

    [Fact]
    public async Task Tls_connection_to_mosquitto_trusts_a_private_ca()
    {
        using var folder = new TempDirectory("mqtt-tls");
        using var ca = TestCertificateAuthority.Create(folder.Path);
        var tlsPort = FreePort.Next();
        await using var mosquitto = await MosquittoBroker.StartAsync(ca.MosquittoListener(tlsPort));
        var chain = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        chain.CustomTrustStore.Add(ca.Root);
        var subscriber = await ConnectAsync("sub", o => o.Port = mosquitto.Port);
        var inbox = Inbox.For(subscriber);
        await subscriber.SubscribeAsync("tls/#", MqttQualityOfService.AtLeastOnce);
        var secure = await ConnectAsync("secure", o =>
        {
            o.Port = tlsPort;
            o.UseTls = true;
            o.TlsOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = chain };
        });

        await secure.PublishAsync(new MqttApplicationMessage("tls/1", Encoding.UTF8.GetBytes("over tls"), MqttQualityOfService.AtLeastOnce));

        Assert.Equal("over tls", Inbox.Text(await inbox.NextAsync()));
    }

    [Fact]
    public async Task Tls_connection_refuses_a_broker_whose_certificate_is_not_trusted()
    {
        using var folder = new TempDirectory("mqtt-tls");
        using var ca = TestCertificateAuthority.Create(folder.Path);
        var tlsPort = FreePort.Next();
        await using var mosquitto = await MosquittoBroker.StartAsync(ca.MosquittoListener(tlsPort));
        var client = new MqttClient(new MqttClientOptions { Port = tlsPort, ClientId = "trusting-nobody", UseTls = true });
        _clients.Add(client);

        var error = await Assert.ThrowsAsync<MqttConnectException>(() => client.ConnectAsync());

        Assert.Contains("TLS", error.Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public void Options_read_a_broker_uri()
    {
        var options = MqttClientOptions.FromUri(new Uri("mqtt://gw:s3cret@broker.example:2883"));
        var tcp = MqttClientOptions.FromUri(new Uri("tcp://10.0.0.5"));
        var tls = MqttClientOptions.FromUri(new Uri("mqtts://broker.example"));

        Assert.Equal(("broker.example", 2883, "gw", "s3cret", false), (options.Host, options.Port, options.Username, options.Password, options.UseTls));
        Assert.Equal(("10.0.0.5", 1883, false), (tcp.Host, tcp.Port, tcp.UseTls));
        Assert.Equal(("broker.example", 8883, true), (tls.Host, tls.Port, tls.UseTls));
        Assert.Throws<ArgumentException>(() => MqttClientOptions.FromUri(new Uri("http://x")));
    }

    /// <summary>A client that keeps its session and reconnects quickly by itself.</summary>
    private static void Durable(MqttClientOptions options, int port)
    {
        options.Port = port;
        options.CleanSession = false;
        options.AutoReconnect = true;
        options.ReconnectDelay = TimeSpan.FromMilliseconds(50);
        options.MaxReconnectDelay = TimeSpan.FromMilliseconds(400);
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
