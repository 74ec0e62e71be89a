using System.Net;
using System.Net.Sockets;
using System.Text;

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
