using System.IO.Pipelines;
using System.Net.Sockets;

namespace SmartPole.Mqtt.Transport;

/// <summary>Closing the sending side of a connection that may already be dead.</summary>
internal static class PipeCompletion
{
    /// <summary>
    /// Completes <paramref name="output"/>. A stream-backed writer flushes what it still buffers on
    /// completion; when the peer is gone that throws, and there is nobody left to tell.
    /// </summary>
    public static async ValueTask CompleteQuietlyAsync(PipeWriter output)
    {
        try
        {
            await output.CompleteAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }
}
