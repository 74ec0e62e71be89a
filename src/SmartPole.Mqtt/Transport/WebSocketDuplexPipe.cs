using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;

namespace SmartPole.Mqtt.Transport;

/// <summary>
/// An accepted WebSocket seen as a pair of pipes (MQTT 5.0 §6, 3.1.1 §6): binary frames carry the
/// byte stream, and a packet may span frames or share one, so frame boundaries mean nothing here.
/// Two pumps copy between the socket and the pipes; <see cref="RunAsync"/> ends when both have.
/// </summary>
internal sealed class WebSocketDuplexPipe : IDuplexPipe
{
    private readonly WebSocket _socket;
    private readonly Pipe _received = new(new PipeOptions(pool: MemoryPool<byte>.Shared, pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));
    private readonly Pipe _toSend = new(new PipeOptions(pool: MemoryPool<byte>.Shared, pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, useSynchronizationContext: false));

    public WebSocketDuplexPipe(WebSocket socket) => _socket = socket;

    public PipeReader Input => _received.Reader;

    public PipeWriter Output => _toSend.Writer;

    /// <summary>Pumps both directions until the broker completes its side and the peer's side is gone.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receiving = ReceiveAsync(stop.Token);
        await SendAsync(stop.Token);

        // The broker is done with the connection: stop reading from the peer as well.
        await stop.CancelAsync();
        await receiving;
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        var writer = _received.Writer;
        Exception? failure = null;
        try
        {
            while (true)
            {
                // §6.0: MQTT travels in binary frames only; a text frame closes the connection.
                var result = await _socket.ReceiveAsync(writer.GetMemory(1024), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (result.MessageType != WebSocketMessageType.Binary)
                {
                    failure = new IOException("The WebSocket peer sent a text frame; MQTT needs binary frames");
                    return;
                }

                writer.Advance(result.Count);
                var flush = await writer.FlushAsync(cancellationToken);
                if (flush.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            failure = e is OperationCanceledException ? null : new IOException(e.Message, e);
        }
        finally
        {
            await writer.CompleteAsync(failure);
        }
    }

    /// <summary>What the broker flushed at once goes out as one message, each segment a frame of it.</summary>
    private async ValueTask SendMessageAsync(ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        var position = buffer.Start;
        ReadOnlyMemory<byte> pending = default;
        var havePending = false;
        while (buffer.TryGet(ref position, out var segment))
        {
            if (havePending)
            {
                await _socket.SendAsync(pending, WebSocketMessageType.Binary, endOfMessage: false, cancellationToken);
            }

            (pending, havePending) = (segment, true);
        }

        if (havePending)
        {
            await _socket.SendAsync(pending, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
        }
    }

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        var reader = _toSend.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                await SendMessageAsync(buffer, cancellationToken);
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }

            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The peer is gone; the broker learns it from the receiving side.
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }
}
