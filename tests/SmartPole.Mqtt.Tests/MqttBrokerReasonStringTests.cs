using SmartPole.Mqtt.Packets;
using Xunit.Abstractions;

namespace SmartPole.Mqtt.Tests;

/// <summary>5.0 Reason Strings: a client the broker disconnects is told why, within its Maximum Packet Size.</summary>
public sealed class MqttBrokerReasonStringTests(ITestOutputHelper output)
{
    [Fact]
    public async Task V5_client_disconnected_for_a_violation_is_told_why_in_a_reason_string()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var peer = await RawPeer.ConnectAsync(fixture.Port, "aliaser", MqttProtocolVersion.V500);

        await peer.SendAsync(new PublishPacket { Topic = "a/b", Payload = new byte[] { 1 }, Properties = new MqttProperties { TopicAlias = 999 } });

        var disconnect = Assert.IsType<DisconnectPacket>(await peer.ReceiveAsync());
        Assert.Equal(MqttReasonCode.TopicAliasInvalid, disconnect.ReasonCode);
        Assert.Contains("alias", disconnect.Properties?.ReasonString, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("999", disconnect.Properties?.ReasonString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reason_string_is_left_out_when_it_would_exceed_the_clients_maximum_packet_size()
    {
        await using var fixture = await BrokerFixture.StartAsync(output: output);
        await using var peer = await RawPeer.ConnectAsync(fixture.Port, "tiny", MqttProtocolVersion.V500,
            c => c.Properties = new MqttProperties { MaximumPacketSize = 40 });

        await peer.SendAsync(new PublishPacket { Topic = "a/b", Payload = new byte[] { 1 }, Properties = new MqttProperties { TopicAlias = 999 } });

        var disconnect = Assert.IsType<DisconnectPacket>(await peer.ReceiveAsync());
        Assert.Equal(MqttReasonCode.TopicAliasInvalid, disconnect.ReasonCode);
        Assert.Null(disconnect.Properties?.ReasonString);
    }
}
