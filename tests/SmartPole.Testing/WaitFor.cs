using System.Net.Sockets;

namespace SmartPole.Testing;

/// <summary>Waits on conditions outside the test's control (a port that opens, a count that grows).</summary>
public static class WaitFor
{
    /// <summary>Resolves once a TCP connection to 127.0.0.1:<paramref name="port"/> succeeds.</summary>
    public static async Task PortAsync(int port, TimeSpan timeout, Func<string>? context = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            catch (SocketException e)
            {
                throw new TimeoutException($"Nothing listens on 127.0.0.1:{port} after {timeout}. {context?.Invoke()}", e);
            }
        }
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds. For external state (a database, a file)
    /// that offers no signal to await.
    /// </summary>
    public static async Task ConditionAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met within {timeout}: {describe()}");
            }

            await Task.Delay(100);
        }
    }
}
