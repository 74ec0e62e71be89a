using System.Net;
using System.Net.Sockets;
using SmartPole.Testing;

namespace SmartPole.Mqtt.Tests;

/// <summary>
/// Records the exact bytes a real MQTT tool sends: it listens on a free port, plays a minimal
/// broker from hand-written bytes (CONNACK, PUBACK, PUBREC, PUBCOMP, SUBACK) so the tool proceeds,
/// and returns every packet the tool sent, one byte array per packet. None of our code is involved.
/// </summary>
internal static class WireCapture
{
    public static async Task<IReadOnlyList<byte[]>> CaptureAsync(string program, Func<int, IEnumerable<string>> arguments, bool v5, int stopAfterType)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var process = ManagedProcess.Start(program, arguments(port));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = await listener.AcceptTcpClientAsync(timeout.Token);
        var stream = client.GetStream();
        var packets = new List<byte[]>();
        var pending = new List<byte>();
        var chunk = new byte[4096];
        while (true)
        {
            var read = await stream.ReadAsync(chunk, timeout.Token);
            if (read == 0)
            {
                return packets;
            }

            pending.AddRange(chunk.AsSpan(0, read));
            while (TryTakePacket(pending, out var packet))
            {
                packets.Add(packet);
                var type = packet[0] >> 4;
                var reply = Reply(packet, v5);
                if (reply.Length > 0)
                {
                    await stream.WriteAsync(reply, timeout.Token);
                }

                if (type == stopAfterType)
                {
                    return packets;
                }
            }
        }
    }

    private static bool TryTakePacket(List<byte> pending, out byte[] packet)
    {
        packet = [];
        var length = 0;
        for (var i = 1; i <= 4 && i < pending.Count; i++)
        {
            length |= (pending[i] & 0x7F) << (7 * (i - 1));
            if ((pending[i] & 0x80) == 0)
            {
                var total = 1 + i + length;
                if (pending.Count < total)
                {
                    return false;
                }

                packet = pending.GetRange(0, total).ToArray();
                pending.RemoveRange(0, total);
                return true;
            }
        }

        return false;
    }

    private static byte[] Reply(byte[] packet, bool v5)
    {
        var headerLength = 2;
        while ((packet[headerLength - 1] & 0x80) != 0)
        {
            headerLength++;
        }

        switch (packet[0] >> 4)
        {
            case 1:
                // 5.0: Topic Alias Maximum 10 (0x22), as Mosquitto announces, so a client may use aliases.
                return v5 ? [0x20, 0x06, 0x00, 0x00, 0x03, 0x22, 0x00, 0x0A] : [0x20, 0x02, 0x00, 0x00];
            case 3:
                var qos = (packet[0] >> 1) & 3;
                var topicLength = (packet[headerLength] << 8) | packet[headerLength + 1];
                var idAt = headerLength + 2 + topicLength;
                return qos switch
                {
                    1 => [0x40, 0x02, packet[idAt], packet[idAt + 1]],
                    2 => [0x50, 0x02, packet[idAt], packet[idAt + 1]],
                    _ => [],
                };
            case 6:
                return [0x70, 0x02, packet[headerLength], packet[headerLength + 1]];
            case 8:
                return v5
                    ? [0x90, 0x05, packet[headerLength], packet[headerLength + 1], 0x00, 0x00, 0x00]
                    : [0x90, 0x04, packet[headerLength], packet[headerLength + 1], 0x00, 0x00];
            case 12:
                return [0xD0, 0x00];
            default:
                return [];
        }
    }
}
