using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace SmartPole.Mqtt.Transport;

/// <summary>A TCP socket seen as a pair of pipes.</summary>
internal sealed class SocketDuplexPipe(NetworkStream stream) : IDuplexPipe
{
    // Zero-byte reads: an idle connection waits for data without holding a rented receive buffer,
    // which is most of what thousands of quiet connections would otherwise cost.
    public PipeReader Input { get; } = PipeReader.Create(
        stream,
        new StreamPipeReaderOptions(pool: MemoryPool<byte>.Shared, bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true));

    public PipeWriter Output { get; } = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true));
}
