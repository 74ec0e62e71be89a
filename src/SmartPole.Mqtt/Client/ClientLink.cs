using System.Net.Sockets;
using System.Threading.Channels;
using SmartPole.Mqtt.Formatter;
using SmartPole.Mqtt.Packets;
using SmartPole.Mqtt.Transport;

namespace SmartPole.Mqtt.Client;

/// <summary>One TCP connection of an <see cref="MqttClient"/>; a reconnect makes a new one.</summary>
internal sealed class ClientLink(Socket socket, MqttClientOptions options, int generation) : IAsyncDisposable
{
    private readonly NetworkStream _stream = new(socket, ownsSocket: false);
    private SocketDuplexPipe? _transport;
    private int _disposed;

    public int Generation => generation;

    public SocketDuplexPipe Transport => _transport ??= new SocketDuplexPipe(_stream);

    public MqttPacketDecoder Decoder { get; } = new(options.ProtocolVersion, options.MaxPacketSize);

    public MqttPacketEncoder Encoder { get; } = new(options.ProtocolVersion);

    public SemaphoreSlim WriteLock { get; } = new(1, 1);

    public CancellationTokenSource Closing { get; } = new();

    public TaskCompletionSource<ConnAckPacket> ConnAck { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Inbound PUBLISH packets waiting for the message handler (bounded: a slow handler slows the reader).</summary>
    public Channel<PublishPacket> Inbound { get; } = Channel.CreateBounded<PublishPacket>(new BoundedChannelOptions(256) { SingleReader = true, SingleWriter = true });

    public Task ReadLoop { get; set; } = Task.CompletedTask;

    public Task DispatchLoop { get; set; } = Task.CompletedTask;

    public ITimer? KeepAliveTimer { get; set; }

    public TimeSpan KeepAlive { get; set; }

    public long LastSent { get; set; }

    public long PingSentAt;

    public long MaxOutgoingPacketSize { get; set; } = long.MaxValue;

    /// <summary>Set once CONNACK accepted the connection.</summary>
    public bool Established { get; set; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        KeepAliveTimer?.Dispose();
        if (!Closing.IsCancellationRequested)
        {
            await Closing.CancelAsync();
        }

        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        await ReadLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Inbound.Writer.TryComplete();
        await DispatchLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_transport is not null)
        {
            await _transport.Input.CompleteAsync();
            await PipeCompletion.CompleteQuietlyAsync(_transport.Output);
        }

        await _stream.DisposeAsync();
        socket.Dispose();
        Closing.Dispose();
        WriteLock.Dispose();
        Encoder.Dispose();
    }
}
