using SmartPole.Mqtt.Packets;
using Xunit.Abstractions;

namespace SmartPole.Mqtt.Tests;

/// <summary><see cref="MqttBrokerOptions.RefuseV311KeepAliveOverMax"/>: the keep-alive cap for 3.1.1 clients, which cannot be told a Server Keep Alive.</summary>
public sealed class MqttBrokerKeepAliveCapTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(61, 2)]
    [InlineData(0, 2)]
    [InlineData(60, 0)]
    [InlineData(5, 0)]
    public async Task V311_keep_alive_over_the_maximum_or_none_is_refused_with_identifier_rejected(ushort keepAlive, byte expectedReturnCode)
    {
        await using var fixture = await BrokerFixture.StartAsync(o => { o.MaxKeepAlive = TimeSpan.FromSeconds(60); o.RefuseV311KeepAliveOverMax = true; }, output: output);
        await using var peer = await RawPeer.OpenAsync(fixture.Port);

        await peer.SendAsync(new ConnectPacket { ClientId = "sensor", KeepAliveSeconds = keepAlive });

        Assert.Equal(expectedReturnCode, Assert.IsType<ConnAckPacket>(await peer.ReceiveAsync()).ReasonCode);
        Assert.Equal(expectedReturnCode == 0 ? 1 : 0, fixture.Broker.ConnectedClients);
    }

    [Fact]
    public async Task V311_keep_alive_over_the_maximum_is_accepted_unless_the_cap_is_asked_for()
    {
        await using var fixture = await BrokerFixture.StartAsync(o => o.MaxKeepAlive = TimeSpan.FromSeconds(60), output: output);
        await using var peer = await RawPeer.OpenAsync(fixture.Port);

        await peer.SendAsync(new ConnectPacket { ClientId = "sensor", KeepAliveSeconds = 600 });

        Assert.Equal(0, Assert.IsType<ConnAckPacket>(await peer.ReceiveAsync()).ReasonCode);
    }

    [Fact]
    public async Task V5_keep_alive_over_the_maximum_is_lowered_not_refused_when_the_v311_cap_is_on()
    {
        await using var fixture = await BrokerFixture.StartAsync(o => { o.MaxKeepAlive = TimeSpan.FromSeconds(60); o.RefuseV311KeepAliveOverMax = true; }, output: output);
        await using var peer = await RawPeer.OpenAsync(fixture.Port, MqttProtocolVersion.V500);

        await peer.SendAsync(new ConnectPacket { ProtocolVersion = MqttProtocolVersion.V500, ClientId = "gateway", KeepAliveSeconds = 600 });

        var connAck = Assert.IsType<ConnAckPacket>(await peer.ReceiveAsync());
        Assert.Equal(0, connAck.ReasonCode);
        Assert.Equal((ushort)60, connAck.Properties!.ServerKeepAlive);
    }
}
