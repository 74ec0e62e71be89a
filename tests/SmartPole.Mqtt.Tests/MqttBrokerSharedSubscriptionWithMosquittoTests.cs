using SmartPole.Testing;
using Xunit.Abstractions;

namespace SmartPole.Mqtt.Tests;

/// <summary>Shared subscriptions on our broker, with Debian's mosquitto_sub as the group members (one 3.1.1, one 5.0).</summary>
public sealed class MqttBrokerSharedSubscriptionWithMosquittoTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Each_message_goes_to_one_member_of_a_mosquitto_sub_share_group()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var first = await MosquittoTools.SubscribeAsync(fixture.Port, "-V", "mqttv311", "-q", "1", "-t", "$share/ingest/sp/+/+/telemetry", "-v");
        await using var second = await MosquittoTools.SubscribeAsync(fixture.Port, "-V", "mqttv5", "-q", "1", "-t", "$share/ingest/sp/+/+/telemetry", "-v");

        for (var i = 1; i <= 6; i++)
        {
            await MosquittoTools.PublishAsync(fixture.Port, "-q", "1", "-t", $"sp/demo/p{i}/telemetry", "-m", $"{i}");
        }

        await WaitFor.ConditionAsync(() => Task.FromResult(MosquittoTools.Messages(first).Count + MosquittoTools.Messages(second).Count >= 6),
            MosquittoTools.Timeout, () => $"members received {MosquittoTools.Messages(first).Count} + {MosquittoTools.Messages(second).Count} of 6");
        var received = MosquittoTools.Messages(first).Concat(MosquittoTools.Messages(second)).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(Enumerable.Range(1, 6).Select(i => $"sp/demo/p{i}/telemetry {i}"), received);
        Assert.NotEmpty(MosquittoTools.Messages(first));
        Assert.NotEmpty(MosquittoTools.Messages(second));
    }
}
