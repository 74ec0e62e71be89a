using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace SmartPole.Testing;

/// <summary>
/// Hostile MQTT clients against a broker on 127.0.0.1: pure noise, a CONNECT followed by a burst of random
/// packets, truncated packets, remaining lengths far over any packet size limit, and slow-loris connections
/// that send half a fixed header and then nothing. Used by the broker's hostile-client test (a short burst)
/// and by the <c>hostile</c> benchmark (10^6 packets over 60 s).
/// </summary>
public sealed class HostileTraffic(int port, int seed = 1) : IAsyncDisposable
{
    /// <summary>Slow-loris connections held open at most at once.</summary>
    public const int MaxSlowLoris = 200;

    private static readonly TimeSpan LorisLifetime = TimeSpan.FromSeconds(15);
    private readonly Queue<(TcpClient Client, long OpenedAt)> _lorises = new();
    private long _packets;
    private long _connections;

    /// <summary>Packets (or packet fragments) written so far.</summary>
    public long PacketsSent => Interlocked.Read(ref _packets);

    /// <summary>Connections opened so far.</summary>
    public long ConnectionsOpened => Interlocked.Read(ref _connections);

    /// <summary>Slow-loris connections currently held open.</summary>
    public int SlowLorisOpen
    {
        get
        {
            lock (_lorises)
            {
                return _lorises.Count;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="attackers"/> concurrent attackers until <paramref name="packets"/> are sent, spreading
    /// them evenly over <paramref name="duration"/>; attackers that fall behind (a loaded machine) carry on for at
    /// most <paramref name="overrun"/> beyond it.
    /// </summary>
    public async Task RunAsync(int attackers, long packets, TimeSpan duration, TimeSpan overrun, CancellationToken cancellationToken)
    {
        // The pace follows the duration alone: pacing over the overrun too stretched every run to its end.
        var deadline = duration + overrun;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, attackers).Select(i => Task.Run(async () =>
        {
            var random = new Random(seed * 1000 + i);
            while (!cancellationToken.IsCancellationRequested && PacketsSent < packets && clock.Elapsed < deadline)
            {
                // Pacing, not waiting for a condition: stay on the straight line from 0 to the target.
                if (PacketsSent > packets * (clock.Elapsed / duration) + 5000)
                {
                    await Task.Delay(5, CancellationToken.None);
                    continue;
                }

                Interlocked.Add(ref _packets, await AttackOnceAsync(random, cancellationToken));
            }
        }, CancellationToken.None)));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        lock (_lorises)
        {
            while (_lorises.TryDequeue(out var loris))
            {
                loris.Client.Dispose();
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>One hostile connection; returns how many packets (or fragments) it wrote.</summary>
    private async Task<int> AttackOnceAsync(Random random, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        var written = 0;
        try
        {
            await tcp.ConnectAsync("127.0.0.1", port, cancellationToken);
            Interlocked.Increment(ref _connections);
            var stream = tcp.GetStream();
            var kind = random.Next(6);
            if (kind == 5 && SlowLorisOpen >= MaxSlowLoris)
            {
                kind = 0;
            }

            switch (kind)
            {
                case 0:
                    // Pure noise.
                    await stream.WriteAsync(RandomBytes(random, random.Next(1, 300)), cancellationToken);
                    written = 1;
                    break;
                case 1 or 2:
                    // A valid CONNECT, then a burst of packets of random types, flags and lengths in one write.
                    var burst = new List<byte>(Connect($"h{random.Next()}"));
                    var count = random.Next(10, 200);
                    for (var i = 0; i < count; i++)
                    {
                        var body = RandomBytes(random, random.Next(0, 100));
                        burst.Add((byte)random.Next(256));
                        burst.Add((byte)body.Length);
                        burst.AddRange(body);
                    }

                    await stream.WriteAsync(burst.ToArray(), cancellationToken);
                    written = 1 + count;
                    break;
                case 3:
                    // A PUBLISH that announces more than it sends, then hangs up.
                    await stream.WriteAsync((byte[])[.. Connect($"t{random.Next()}"), 0x30, 0x80, 0x01, 0x00, 0x05, (byte)'a'], cancellationToken);
                    written = 2;
                    break;
                case 4:
                    // A remaining length far over the maximum packet size.
                    await stream.WriteAsync((byte[])[.. Connect($"o{random.Next()}"), 0x30, 0xFF, 0xFF, 0xFF, 0x7F], cancellationToken);
                    written = 2;
                    break;
                default:
                    // Slow loris: half a fixed header, then silence; held open until disposed.
                    await stream.WriteAsync(new byte[] { 0x10 }, cancellationToken);
                    lock (_lorises)
                    {
                        // A loris the broker has surely closed by now (its connect timeout) makes room for a new one.
                        while (_lorises.TryPeek(out var old) && Stopwatch.GetElapsedTime(old.OpenedAt) > LorisLifetime)
                        {
                            _lorises.Dequeue().Client.Dispose();
                        }

                        _lorises.Enqueue((tcp, Stopwatch.GetTimestamp()));
                    }

                    return 1;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
        }

        tcp.Dispose();
        return written;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Connect(string clientId) =>
        [0x10, (byte)(12 + clientId.Length), 0x00, 0x04, .. "MQTT"u8, 0x04, 0x02, 0x00, 0x3C, 0x00, (byte)clientId.Length, .. Encoding.ASCII.GetBytes(clientId)];
}
