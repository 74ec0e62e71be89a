using System.IO.Pipelines;
using System.Net.Sockets;

namespace SmartPole.Mqtt.Transport;

/// <summary>A TCP socket seen as a pair of pipes.</summary>
internal sealed class SocketDuplexPipe(NetworkStream stream) : IDuplexPipe
{
    public PipeReader Input { get; } = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true));

    public PipeWriter Output { get; } = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true));
}
