using System.Net;
using System.Net.Sockets;
using System.Text;
using SmartPole.Testing;

namespace SmartPole.Mqtt.Tests;

/// <summary>Client behaviour that needs a broker saying exactly what the test scripts, byte by byte.</summary>
public sealed class MqttClientTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task A_qos2_packet_id_from_a_lost_session_does_not_swallow_a_new_message()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var inbox = new Inbox();
        await using var client = new MqttClient(new MqttClientOptions
        {
            Port = port,
            ClientId = "c",
            AutoReconnect = true,
            ReconnectDelay = TimeSpan.FromMilliseconds(10),
        }, new TestOutputLogger<MqttClient>(output));
        client.MessageReceivedAsync = inbox.Handler;

        var connecting = client.ConnectAsync();
        using (var first = await AcceptAndConnAckAsync(listener))
        {
            await connecting;
            await first.GetStream().WriteAsync(QoS2Publish(packetId: 1, "first"));
            Assert.Equal(0x50, await ReadPacketTypeAsync(first.GetStream()));
        }

        // The first session is gone (no PUBREL ever came); the new one reuses packet id 1.
        using var second = await AcceptAndConnAckAsync(listener);
        await second.GetStream().WriteAsync(QoS2Publish(packetId: 1, "second"));

        Assert.Equal("first", Inbox.Text(await inbox.NextAsync()));
        Assert.Equal("second", Inbox.Text(await inbox.NextAsync()));
    }

    [Fact]
    public async Task A_broker_that_never_answers_connect_fails_the_connect_within_the_timeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var client = new MqttClient(new MqttClientOptions { Port = port, ClientId = "c", ConnectTimeout = TimeSpan.FromMilliseconds(300) });

        var connecting = client.ConnectAsync();
        using var silent = await listener.AcceptTcpClientAsync().WaitAsync(Inbox.Timeout);

        await Assert.ThrowsAsync<MqttConnectException>(() => connecting.WaitAsync(Inbox.Timeout));
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Keep_alive_pings_an_idle_broker_and_closes_the_connection_when_no_answer_comes()
    {
        var time = new ManualTimeProvider();
        var (client, broker) = await ConnectWithKeepAliveAsync(time);
        await using var _ = client;
        using var __ = broker;

        time.Advance(TimeSpan.FromSeconds(6));
        var ping = await ReadPacketTypeAsync(broker.GetStream());
        time.Advance(TimeSpan.FromSeconds(8));
        var end = await broker.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(Inbox.Timeout);

        Assert.Equal(0xC0, ping);
        Assert.Equal(0, end);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task A_broker_that_answers_pings_keeps_the_connection()
    {
        var time = new ManualTimeProvider();
        var (client, broker) = await ConnectWithKeepAliveAsync(time);
        await using var _ = client;
        using var __ = broker;
        var inbox = Inbox.For(client);

        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(0xC0, await ReadPacketTypeAsync(broker.GetStream()));
        await broker.GetStream().WriteAsync(new byte[] { 0xD0, 0x00 });

        // A QoS 0 PUBLISH after the PINGRESP: once it is delivered, the PINGRESP before it was handled.
        await broker.GetStream().WriteAsync(new byte[] { 0x30, 0x04, 0x00, 0x01, (byte)'t', (byte)'x' });
        await inbox.NextAsync();
        time.Advance(TimeSpan.FromSeconds(7));

        Assert.Equal(0xC0, await ReadPacketTypeAsync(broker.GetStream()));
        Assert.True(client.IsConnected);
    }

    /// <summary>A client with an 8-second keep-alive on <paramref name="time"/>, connected to a scripted broker socket.</summary>
    private static async Task<(MqttClient Client, TcpClient Broker)> ConnectWithKeepAliveAsync(ManualTimeProvider time)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var client = new MqttClient(new MqttClientOptions { Port = port, ClientId = "c", KeepAlive = TimeSpan.FromSeconds(8) }, timeProvider: time);
        var connecting = client.ConnectAsync();
        var broker = await AcceptAndConnAckAsync(listener);
        await connecting;
        return (client, broker);
    }

    private static async Task<TcpClient> AcceptAndConnAckAsync(TcpListener listener)
    {
        var tcp = await listener.AcceptTcpClientAsync().WaitAsync(Inbox.Timeout);
        var stream = tcp.GetStream();
        Assert.Equal(0x10, await ReadPacketTypeAsync(stream));
        await stream.WriteAsync(new byte[] { 0x20, 0x02, 0x00, 0x00 });
        return tcp;
    }

    /// <summary>Reads one whole packet (remaining length below 128 bytes) and returns its first byte.</summary>
    private static async Task<int> ReadPacketTypeAsync(NetworkStream stream)
    {
        var header = new byte[2];
        await stream.ReadExactlyAsync(header).AsTask().WaitAsync(Inbox.Timeout);
        await stream.ReadExactlyAsync(new byte[header[1]]).AsTask().WaitAsync(Inbox.Timeout);
        return header[0];
    }

    private static byte[] QoS2Publish(ushort packetId, string payload)
    {
        var body = Encoding.UTF8.GetBytes(payload);
        return [0x34, (byte)(5 + body.Length), 0x00, 0x01, (byte)'t', (byte)(packetId >> 8), (byte)packetId, .. body];
    }
}
