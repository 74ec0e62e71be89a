using System.Text;
using SmartPole.Testing;
using Xunit.Abstractions;

namespace SmartPole.Mqtt.Tests;

/// <summary>Our broker, driven by Debian's mosquitto_pub and mosquitto_sub (3.1.1 and 5.0).</summary>
public sealed class MqttBrokerWithMosquittoClientsTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("mqttv311", 0)]
    [InlineData("mqttv311", 1)]
    [InlineData("mqttv311", 2)]
    [InlineData("mqttv5", 0)]
    [InlineData("mqttv5", 1)]
    [InlineData("mqttv5", 2)]
    public async Task Mosquitto_clients_exchange_a_message_at_each_qos(string version, int qos)
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var sub = await MosquittoTools.SubscribeAsync(fixture.Port, "-V", version, "-q", $"{qos}", "-t", "sp/+/+/telemetry", "-C", "1", "-v");

        await MosquittoTools.PublishAsync(fixture.Port, "-V", version, "-q", $"{qos}", "-t", "sp/demo/p1/telemetry", "-m", "hello");

        Assert.Equal(0, await sub.WaitForExitAsync(MosquittoTools.Timeout));
        Assert.Equal(["sp/demo/p1/telemetry hello"], MosquittoTools.Messages(sub));
        Assert.Contains(sub.Lines, l => l.Contains("received PUBLISH", StringComparison.Ordinal) && l.Contains($"q{qos}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retained_message_is_set_replaced_and_cleared()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await MosquittoTools.PublishAsync(fixture.Port, "-q", "1", "-r", "-t", "sp/c/p/config", "-m", "v1");
        await MosquittoTools.PublishAsync(fixture.Port, "-q", "1", "-r", "-t", "sp/c/p/config", "-m", "v2");

        await using var late = await MosquittoTools.SubscribeAsync(fixture.Port, "-q", "1", "-t", "sp/c/p/config", "-C", "1", "-v");
        Assert.Equal(0, await late.WaitForExitAsync(MosquittoTools.Timeout));
        Assert.Equal(["sp/c/p/config v2"], MosquittoTools.Messages(late));
        Assert.Contains(late.Lines, l => l.Contains("received PUBLISH", StringComparison.Ordinal) && l.Contains("r1", StringComparison.Ordinal));

        await MosquittoTools.PublishAsync(fixture.Port, "-q", "1", "-r", "-t", "sp/c/p/config", "-n");
        var client = await fixture.ConnectAsync("checker");
        var inbox = Inbox.For(client);
        await client.SubscribeAsync("sp/c/p/#", MqttQualityOfService.AtLeastOnce);
        await client.PublishAsync(new MqttApplicationMessage("sp/c/p/marker", Encoding.UTF8.GetBytes("m"), MqttQualityOfService.AtLeastOnce));

        // Retained messages are queued with the SUBACK, before the marker: the marker first means none is left.
        Assert.Equal("sp/c/p/marker", (await inbox.NextAsync()).Topic);
    }

    [Fact]
    public async Task Wildcards_match_levels_and_skip_dollar_topics()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var sub = await MosquittoTools.SubscribeAsync(fixture.Port, "-q", "1", "-t", "+/b/#", "-C", "2", "-v");

        await MosquittoTools.PublishAsync(fixture.Port, "-q", "1", "-t", "x/b", "-m", "1");
        await MosquittoTools.PublishAsync(fixture.Port, "-q", "1", "-t", "x/c", "-m", "2");
        await MosquittoTools.PublishAsync(fixture.Port, "-q", "1", "-t", "$SYS/b", "-m", "3");
        await MosquittoTools.PublishAsync(fixture.Port, "-q", "1", "-t", "y/b/z/w", "-m", "4");

        Assert.Equal(0, await sub.WaitForExitAsync(MosquittoTools.Timeout));
        Assert.Equal(["x/b 1", "y/b/z/w 4"], MosquittoTools.Messages(sub));
    }

    [Theory]
    [InlineData("mqttv311")]
    [InlineData("mqttv5")]
    public async Task Will_is_published_when_a_client_is_killed(string version)
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var watcher = await MosquittoTools.SubscribeAsync(fixture.Port, "-q", "1", "-t", "sp/c/p/status", "-C", "1", "-v");
        await using var dying = await MosquittoTools.SubscribeAsync(fixture.Port, "-V", version, "-i", "gateway-1", "-t", "sp/c/p/cmd/#",
            "--will-topic", "sp/c/p/status", "--will-payload", "offline", "--will-qos", "1");

        dying.Kill();

        Assert.Equal(0, await watcher.WaitForExitAsync(MosquittoTools.Timeout));
        Assert.Equal(["sp/c/p/status offline"], MosquittoTools.Messages(watcher));
    }

    [Fact]
    public async Task Will_is_not_published_after_a_normal_disconnect()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        var client = await fixture.ConnectAsync("watcher");
        var inbox = Inbox.For(client);
        await client.SubscribeAsync("sp/c/p/#", MqttQualityOfService.AtLeastOnce);

        // -E: subscribe, then DISCONNECT normally.
        await MosquittoTools.SubscribeAndLeaveAsync(fixture.Port, "-i", "polite", "-t", "x",
            "--will-topic", "sp/c/p/status", "--will-payload", "offline", "--will-qos", "1");
        await client.PublishAsync(new MqttApplicationMessage("sp/c/p/marker", Encoding.UTF8.GetBytes("m"), MqttQualityOfService.AtLeastOnce));

        Assert.Equal("sp/c/p/marker", (await inbox.NextAsync()).Topic);
    }

    [Theory]
    [InlineData("mqttv311")]
    [InlineData("mqttv5")]
    public async Task Persistent_session_receives_what_was_queued_while_offline(string version)
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        string[] session = version == "mqttv5" ? ["-V", version, "-x", "300"] : ["-V", version];
        await MosquittoTools.SubscribeAndLeaveAsync(fixture.Port, [.. session, "-c", "-i", "keeper", "-q", "1", "-t", "q/#"]);

        await MosquittoTools.PublishAsync(fixture.Port, "-q", "1", "-t", "q/1", "-m", "while-away");
        // The queued message may arrive even before SUBACK, so this run is awaited to its end, not to SUBACK.
        await using var second = ManagedProcess.Start(RealPeer.MosquittoSub, ["-h", "127.0.0.1", "-p", $"{fixture.Port}", .. session, "-c", "-i", "keeper", "-q", "1", "-t", "q/#", "-C", "1", "-v"]);

        Assert.Equal(0, await second.WaitForExitAsync(MosquittoTools.Timeout));
        Assert.Equal(["q/1 while-away"], MosquittoTools.Messages(second));
    }

    [Fact]
    public async Task V5_user_properties_and_content_type_pass_through()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var sub = await MosquittoTools.SubscribeAsync(fixture.Port, "-V", "mqttv5", "-t", "a/b", "-C", "1", "-F", "%t|%p|%P|%C");

        await MosquittoTools.PublishAsync(fixture.Port, "-V", "mqttv5", "-t", "a/b", "-m", "x",
            "-D", "publish", "user-property", "unit", "kWh", "-D", "publish", "content-type", "text/plain");

        Assert.Equal(0, await sub.WaitForExitAsync(MosquittoTools.Timeout));
        Assert.Equal(["a/b|x|unit:kWh|text/plain"], MosquittoTools.Messages(sub));
    }

    [Fact]
    public async Task Overlapping_subscriptions_deliver_one_copy_at_the_highest_qos()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var sub = await MosquittoTools.SubscribeAsync(fixture.Port, "-V", "mqttv5", "-t", "a/#", "-t", "a/+", "-q", "1", "-C", "2", "-v",
            "-D", "subscribe", "subscription-identifier", "3");

        await MosquittoTools.PublishAsync(fixture.Port, "-q", "2", "-t", "a/b", "-m", "one");
        await MosquittoTools.PublishAsync(fixture.Port, "-q", "2", "-t", "a/c", "-m", "two");

        Assert.Equal(0, await sub.WaitForExitAsync(MosquittoTools.Timeout));
        Assert.Equal(["a/b one", "a/c two"], MosquittoTools.Messages(sub));
        Assert.All(sub.Lines.Where(l => l.Contains("received PUBLISH", StringComparison.Ordinal)), l => Assert.Contains("q1", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Mosquitto_pub_over_v5_with_a_topic_alias_is_resolved()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        var inbound = new TaskCompletionSource<MqttInboundMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Broker.MessageReceivedAsync = (m, _) =>
        {
            inbound.TrySetResult(m);
            return ValueTask.CompletedTask;
        };

        await MosquittoTools.PublishAsync(fixture.Port, "-V", "mqttv5", "-i", "aliaser", "-t", "sp/c/p/telemetry", "-m", "x", "-D", "publish", "topic-alias", "3");

        var message = await inbound.Task.WaitAsync(MosquittoTools.Timeout);
        Assert.Equal("sp/c/p/telemetry", message.Message.Topic);
        Assert.Equal("aliaser", message.ClientId);
    }
}
