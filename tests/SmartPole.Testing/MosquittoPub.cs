using System.Globalization;

namespace SmartPole.Testing;

/// <summary>Publishes with Debian's mosquitto_pub: an independent MQTT client, as a field gateway would be.</summary>
public static class MosquittoPub
{
    /// <summary>
    /// Publishes <paramref name="payload"/> on <paramref name="topic"/> at QoS 1 to 127.0.0.1:<paramref name="port"/>.
    /// mosquitto_pub exits after the PUBACK, so the broker has handled the message when this returns.
    /// </summary>
    public static async Task PublishAsync(int port, string topic, string payload)
    {
        await using var publisher = ManagedProcess.Start(RealPeer.MosquittoPub,
            ["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-q", "1", "-t", topic, "-m", payload]);
        var exit = await publisher.WaitForExitAsync(TimeSpan.FromSeconds(10));
        if (exit != 0)
        {
            throw new InvalidOperationException($"mosquitto_pub to {topic} exited with {exit}:\n{publisher.Output}");
        }
    }
}
