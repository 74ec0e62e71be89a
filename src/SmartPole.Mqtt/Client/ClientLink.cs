using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;
using SmartPole.Mqtt.Formatter;
using SmartPole.Mqtt.Packets;
using SmartPole.Mqtt.Transport;

namespace SmartPole.Mqtt.Client;

/// <summary>
/// One connection of an <see cref="MqttClient"/>; a reconnect makes a new one. <paramref name="stream"/>
/// is the socket's stream, or the TLS stream over it; the link owns both.
/// </summary>
internal sealed class ClientLink(Socket socket, Stream stream, MqttClientOptions options, int generation) : IAsyncDisposable, IDuplexPipe
{
    private PipeReader? _input;
    private PipeWriter? _output;
    private int _disposed;

    public int Generation => generation;

    public IDuplexPipe Transport => this;

    // Zero-byte reads (TLS streams support them too): an idle connection holds no rented receive buffer,
    // which is most of what thousands of quiet simulated poles would otherwise cost.
    public PipeReader Input => _input ??= PipeReader.Create(
        stream,
        new StreamPipeReaderOptions(pool: MemoryPool<byte>.Shared, bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true));

    public PipeWriter Output => _output ??= PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true));

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

    /// <summary>Set (under the client's lock) when the read loop has ended: the connection is gone.</summary>
    public bool Ended { get; set; }

    /// <summary>
    /// Tells the broker at once that this connection is over (FIN), without waiting for the loops: called
    /// from the read loop itself when it ends, e.g. on a keep-alive timeout, which disposing could not await.
    /// </summary>
    public void Shutdown()
    {
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
    }

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

        Shutdown();
        await ReadLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Inbound.Writer.TryComplete();
        await DispatchLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_input is not null)
        {
            await _input.CompleteAsync();
        }

        if (_output is not null)
        {
            await PipeCompletion.CompleteQuietlyAsync(_output);
        }

        await stream.DisposeAsync();
        socket.Dispose();
        Closing.Dispose();
        WriteLock.Dispose();
        Encoder.Dispose();
    }
}
