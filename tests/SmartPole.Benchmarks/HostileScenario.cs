using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using SmartPole.Mqtt;
using SmartPole.Testing;

namespace SmartPole.Benchmarks;

/// <summary>
/// Issue 3's hostile run against our broker in its own process: 1,000,000 random, truncated and oversized
/// packets spread over 60 s plus slow-loris connections (<see cref="HostileTraffic"/>), while a neighbour does a
/// QoS 1 round trip (publish → its own subscription → PUBACK and delivery) every 50 ms. Records the broker's RSS
/// growth over its baseline (peak, sampled every 250 ms), the neighbour's slowest and p99 round trip, and whether
/// the broker stayed up. Goal: RSS within 64 MiB of baseline, every round trip under 1 s.
/// </summary>
internal sealed class HostileScenario : IScenario
{
    private const string Scenario = "hostile";
    private const long Packets = 1_000_000;
    private const int Attackers = 8;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(60);

    public string Name => Scenario;

    public async Task RunAsync(BenchmarkSettings settings, Report report, CancellationToken ct)
    {
        // One run: 60 s of attack is the figure's definition, not a tunable window.
        await using var broker = await BrokerUnderTest.StartAsync(BrokerUnderTest.Ours);
        await using var neighbour = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "neighbour", KeepAlive = TimeSpan.FromSeconds(30) });
        var echoes = Channel.CreateUnbounded<int>();
        neighbour.MessageReceivedAsync = m =>
        {
            echoes.Writer.TryWrite(int.Parse(Encoding.UTF8.GetString(m.Payload.Span), CultureInfo.InvariantCulture));
            return ValueTask.CompletedTask;
        };
        await neighbour.ConnectAsync(ct);
        await neighbour.SubscribeAsync("neighbour/echo", MqttQualityOfService.AtLeastOnce, ct);
        await RoundTripAsync(neighbour, echoes, -1, ct);
        var baseline = broker.ResidentBytes;
        var peak = baseline;

        await using var hostile = new HostileTraffic(broker.Port);
        Console.WriteLine($"hostile: {Packets:N0} packets over {Duration.TotalSeconds:0} s against our broker (baseline RSS {baseline / 1048576.0:0.0} MiB)");
        var clock = Stopwatch.StartNew();
        var attack = hostile.RunAsync(Attackers, Packets, Duration, overrun: TimeSpan.FromSeconds(30), ct);
        var roundTrips = new List<double>();
        var failures = 0;
        var lastSample = TimeSpan.Zero;
        for (var i = 0; !attack.IsCompleted; i++)
        {
            try
            {
                roundTrips.Add(await RoundTripAsync(neighbour, echoes, i, ct));
            }
            catch (TimeoutException)
            {
                failures++;
                roundTrips.Add(double.PositiveInfinity);
            }

            if (clock.Elapsed - lastSample >= TimeSpan.FromMilliseconds(250))
            {
                peak = Math.Max(peak, broker.ResidentBytes);
                lastSample = clock.Elapsed;
            }

            if (i % 200 == 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"hostile: {clock.Elapsed.TotalSeconds:0} s, {hostile.PacketsSent:N0} packets, {hostile.ConnectionsOpened:N0} connections, RSS +{(peak - baseline) / 1048576.0:0.0} MiB"));
            }

            // Pacing: one round trip every 50 ms, so the neighbour samples the whole run.
            await Task.Delay(50, ct);
        }

        await attack;
        var elapsed = clock.Elapsed;
        var alive = !broker.HasExited && neighbour.IsConnected;
        roundTrips.Sort();
        var conditions = string.Create(CultureInfo.InvariantCulture,
            $"{hostile.PacketsSent:N0} hostile packets on {hostile.ConnectionsOpened:N0} connections in {elapsed.TotalSeconds:0.0} s ({Attackers} attackers, ≤ {HostileTraffic.MaxSlowLoris} slow loris open); neighbour QoS 1 round trip every 50 ms");
        report.Record(Scenario, "1,000,000 hostile packets", BrokerUnderTest.Ours, "hostile packets sent", "packets", hostile.PacketsSent, conditions);
        report.Record(Scenario, "1,000,000 hostile packets", BrokerUnderTest.Ours, "peak RSS over baseline", "MiB", (peak - baseline) / 1048576.0, conditions);
        report.Record(Scenario, "1,000,000 hostile packets", BrokerUnderTest.Ours, "neighbour round trip, slowest", "ms", roundTrips[^1], conditions);
        report.Record(Scenario, "1,000,000 hostile packets", BrokerUnderTest.Ours, "neighbour round trip, p99", "ms", roundTrips[(int)(roundTrips.Count * 0.99)], conditions);
        report.Record(Scenario, "1,000,000 hostile packets", BrokerUnderTest.Ours, "neighbour round trips", "count", roundTrips.Count, conditions);
        report.Record(Scenario, "1,000,000 hostile packets", BrokerUnderTest.Ours, "broker and neighbour alive at the end", "yes = 1", alive ? 1 : 0, conditions);
        if (failures > 0)
        {
            report.Note(Scenario, $"{failures} neighbour round trips did not complete within 5 s");
        }
    }

    /// <summary>One QoS 1 publish to the neighbour's own subscription, until both PUBACK and delivery; milliseconds.</summary>
    private static async Task<double> RoundTripAsync(MqttClient neighbour, Channel<int> echoes, int sequence, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        await neighbour.PublishAsync(new MqttApplicationMessage("neighbour/echo", Encoding.UTF8.GetBytes(sequence.ToString(CultureInfo.InvariantCulture)), MqttQualityOfService.AtLeastOnce), ct)
            .WaitAsync(TimeSpan.FromSeconds(5), ct);
        while (await echoes.Reader.ReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), ct) != sequence)
        {
            // An echo of a round trip that timed out earlier: skip it.
        }

        return watch.Elapsed.TotalMilliseconds;
    }
}
