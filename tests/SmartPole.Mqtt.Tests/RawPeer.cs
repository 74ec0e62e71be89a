using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using SmartPole.Mqtt.Formatter;
using SmartPole.Mqtt.Packets;

namespace SmartPole.Mqtt.Tests;

/// <summary>
/// A bare TCP peer for broker tests that must misbehave or look at single packets: it sends
/// packets or raw bytes and reads whatever the broker answers, packet by packet.
/// </summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly MqttPacketDecoder _decoder;
    private readonly MqttPacketEncoder _encoder;

    private RawPeer(TcpClient tcp, MqttProtocolVersion version)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = PipeReader.Create(_stream);
        _decoder = new MqttPacketDecoder(version);
        _encoder = new MqttPacketEncoder(version);
    }

    public static async Task<RawPeer> OpenAsync(int port, MqttProtocolVersion version = MqttProtocolVersion.V311)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port);
        return new RawPeer(tcp, version);
    }

    /// <summary>Opens a connection and completes CONNECT/CONNACK.</summary>
    public static async Task<RawPeer> ConnectAsync(int port, string clientId, MqttProtocolVersion version = MqttProtocolVersion.V311, Action<ConnectPacket>? configure = null)
    {
        var peer = await OpenAsync(port, version);
        var connect = new ConnectPacket { ProtocolVersion = version, ClientId = clientId, KeepAliveSeconds = 0 };
        configure?.Invoke(connect);
        await peer.SendAsync(connect);
        var connAck = Assert.IsType<ConnAckPacket>(await peer.ReceiveAsync());
        Assert.Equal(0, connAck.ReasonCode);
        return peer;
    }

    public async Task SendAsync(MqttPacket packet)
    {
        var output = new ArrayBufferWriter<byte>();
        _encoder.Encode(packet, output);
        await SendBytesAsync(output.WrittenMemory);
    }

    public async Task SendBytesAsync(ReadOnlyMemory<byte> bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>The next packet from the broker, or null when it closed the connection.</summary>
    public async Task<MqttPacket?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? Inbox.Timeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _reader.ReadAsync(cancel.Token);
            }
            catch (IOException)
            {
                return null;
            }

            var buffer = result.Buffer;
            if (_decoder.TryDecode(ref buffer, out var packet))
            {
                _reader.AdvanceTo(buffer.Start);
                return packet;
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync();
        _encoder.Dispose();
        _tcp.Dispose();
    }
}
