using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using SmartPole.Actors;
using SmartPole.Domain;
using SmartPole.Domain.Poles;
using SmartPole.Domain.Telemetry;

namespace SmartPole.Benchmarks;

/// <summary>
/// The actor host: one-way dispatch to many actors against a raw <see cref="Channel{T}"/> pipe doing the
/// same work in the same run, and memory per active actor holding a full pole twin at 100,000 (and
/// 1,000,000 when the machine has the memory) actors.
/// </summary>
internal sealed class ActorsScenario : IScenario
{
    private const string Scenario = "actors";
    private const int DispatchActors = 10_000;
    private static readonly DeviceKind[] SixDevices = [DeviceKind.Lighting, DeviceKind.SmallCell, DeviceKind.Camera, DeviceKind.Environment, DeviceKind.Cabinet, DeviceKind.Meter];

    public string Name => Scenario;

    public async Task RunAsync(BenchmarkSettings settings, Report report, CancellationToken ct)
    {
        var window = TimeSpan.FromSeconds(Math.Max(1, settings.Seconds / 2));
        var producers = Environment.ProcessorCount;
        var dispatchConditions = string.Create(CultureInfo.InvariantCulture,
            $"{DispatchActors:N0} actors, {producers} producers (one per core), each message = one counter increment; {window.TotalSeconds:0.#} s of sending, then drained");
        var sizes = new List<int> { 100_000 };
        for (var run = 1; run <= settings.Runs; run++)
        {
            Console.WriteLine($"actors: run {run}/{settings.Runs}");
            var host = await ActorDispatchAsync(producers, window, ct);
            var channel = await ChannelDispatchAsync(producers, window, ct);
            report.Record(Scenario, "one-way dispatch", "ActorHost.TellAsync", "messages/s", "msgs/s", host, dispatchConditions);
            report.Record(Scenario, "one-way dispatch", "Channel<T> (bounded 1,024 per consumer, one consumer per core)", "messages/s", "msgs/s", channel, dispatchConditions);
            report.Record(Scenario, "one-way dispatch", "ActorHost ÷ Channel<T>", "ratio", "×", host / channel, "same run");

            for (var k = 0; k < sizes.Count; k++)
            {
                var count = sizes[k];
                var (perActor, perTwin, metrics) = await MemoryPerActorAsync(count, measureTwinAlone: count <= 100_000, ct);
                var label = string.Create(CultureInfo.InvariantCulture, $"{count:N0} active pole actors");
                var conditions = string.Create(CultureInfo.InvariantCulture,
                    $"each a PoleTwin after one frame of 6 devices / {metrics} metrics; managed heap after forced full GC ÷ count (keys, host cell, actor, twin)");
                report.Record(Scenario, label, "ActorHost + PoleTwin", "memory per actor", "bytes", perActor, conditions);
                if (!double.IsNaN(perTwin))
                {
                    report.Record(Scenario, label, "PoleTwin alone (in a list)", "memory per twin", "bytes", perTwin, conditions);
                    report.Record(Scenario, label, "host's share (actor − twin)", "memory per actor", "bytes", perActor - perTwin, conditions);
                }

                if (count == 100_000 && !sizes.Contains(1_000_000))
                {
                    // 1M only when twice the estimate fits in the memory available now.
                    var needed = 2.0 * perActor * 1_000_000;
                    if (needed < AvailableBytes())
                    {
                        sizes.Add(1_000_000);
                    }
                    else
                    {
                        report.Note(Scenario, $"1,000,000 actors skipped: would need ~{needed / 1e9:0.0} GB, {AvailableBytes() / 1e9:0.0} GB available");
                    }
                }
            }
        }
    }

    private static async Task<double> ActorDispatchAsync(int producers, TimeSpan window, CancellationToken ct)
    {
        await using var host = new ActorHost<CountingActor>(_ => new CountingActor(), new ActorHostOptions());
        var keys = Enumerable.Range(0, DispatchActors).Select(i => "a-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        Func<CountingActor, CancellationToken, ValueTask> increment = static (a, _) =>
        {
            a.Count++;
            return ValueTask.CompletedTask;
        };
        foreach (var key in keys)
        {
            await host.TellAsync(key, increment, ct);
        }

        var warm = await SumAsync(host, keys, ct);
        var sent = 0L;
        var clock = Stopwatch.StartNew();
        var stopAt = window;
        var tasks = Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            var mine = 0L;
            var i = p;
            while (clock.Elapsed < stopAt)
            {
                for (var burst = 0; burst < 1024; burst++)
                {
                    await host.TellAsync(keys[i % keys.Length], increment, ct);
                    i += producers;
                }

                mine += 1024;
            }

            Interlocked.Add(ref sent, mine);
        })).ToArray();
        await Task.WhenAll(tasks);

        // Drained = every actor has run every message sent to it; each check is itself a turn, queued behind them.
        long done;
        do
        {
            done = await SumAsync(host, keys, ct) - warm;
        }
        while (done < sent);

        return sent / clock.Elapsed.TotalSeconds;
    }

    private static async Task<long> SumAsync(ActorHost<CountingActor> host, string[] keys, CancellationToken ct)
    {
        var total = 0L;
        foreach (var key in keys)
        {
            total += await host.AskAsync(key, static (a, _) => ValueTask.FromResult(a.Count), ct);
        }

        return total;
    }

    private static async Task<double> ChannelDispatchAsync(int consumers, TimeSpan window, CancellationToken ct)
    {
        // The same work without a host: producers write actor indexes into one bounded channel per consumer;
        // each consumer owns the counters of its share of the actors, as a turn-based actor owns its state.
        var counters = new long[DispatchActors];
        var channels = Enumerable.Range(0, consumers)
            .Select(_ => Channel.CreateBounded<int>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = false }))
            .ToArray();
        var readers = channels.Select(c => Task.Run(async () =>
        {
            await foreach (var index in c.Reader.ReadAllAsync(ct))
            {
                counters[index]++;
            }
        })).ToArray();
        var sent = 0L;
        var clock = Stopwatch.StartNew();
        var writers = Enumerable.Range(0, consumers).Select(p => Task.Run(async () =>
        {
            var mine = 0L;
            var i = p;
            while (clock.Elapsed < window)
            {
                for (var burst = 0; burst < 1024; burst++)
                {
                    var index = i % DispatchActors;
                    await channels[index % consumers].Writer.WriteAsync(index, ct);
                    i += consumers;
                }

                mine += 1024;
            }

            Interlocked.Add(ref sent, mine);
        })).ToArray();
        await Task.WhenAll(writers);
        foreach (var c in channels)
        {
            c.Writer.Complete();
        }

        await Task.WhenAll(readers);
        var seconds = clock.Elapsed.TotalSeconds;
        if (counters.Sum() != sent)
        {
            throw new InvalidOperationException($"the channel pipe lost messages: {counters.Sum()} of {sent}");
        }

        return sent / seconds;
    }

    private static async Task<(double PerActor, double PerTwin, int Metrics)> MemoryPerActorAsync(int count, bool measureTwinAlone, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var metricCount = SixDevices.Sum(k => MetricCatalog.Metrics(k).Count);

        var before = Collect();
        var host = new ActorHost<TwinActor>(key => new TwinActor(key), new ActorHostOptions());
        for (var i = 0; i < count; i++)
        {
            var key = "p-" + i.ToString(CultureInfo.InvariantCulture);
            var frame = Frame(i, now);
            await host.TellAsync(key, (a, _) =>
            {
                a.Twin.Apply(frame);
                return ValueTask.CompletedTask;
            }, ct);
        }

        // Every mailbox drained: ask each actor once (queued behind its frame).
        for (var i = 0; i < count; i++)
        {
            await host.AskAsync("p-" + i.ToString(CultureInfo.InvariantCulture), static (a, _) => ValueTask.FromResult(a.Twin.Frames), ct);
        }

        var after = Collect();
        if (host.ActiveCount != count)
        {
            throw new InvalidOperationException($"{host.ActiveCount} actors active, {count} expected");
        }

        var perActor = (after - before) / (double)count;
        await host.DisposeAsync();
        host = null;
        if (!measureTwinAlone)
        {
            Collect();
            return (perActor, double.NaN, metricCount);
        }

        var baseline = Collect();
        var twins = new List<PoleTwin>(count);
        for (var i = 0; i < count; i++)
        {
            var twin = new PoleTwin("bench", "p-" + i.ToString(CultureInfo.InvariantCulture));
            twin.Apply(Frame(i, now));
            twins.Add(twin);
        }

        var withTwins = Collect();
        GC.KeepAlive(twins);
        // The list's own array (8 bytes per twin) is not part of a twin.
        var perTwin = ((withTwins - baseline) / (double)count) - 8;
        twins = null;
        Collect();
        return (perActor, perTwin, metricCount);
    }

    private static TelemetryFrame Frame(int pole, DateTimeOffset now)
    {
        var devices = new DeviceReading[SixDevices.Length];
        for (var d = 0; d < SixDevices.Length; d++)
        {
            var kind = SixDevices[d];
            var metrics = MetricCatalog.Metrics(kind)
                .Select((m, j) => new Metric(m.Name, m.Type switch
                {
                    MetricType.Boolean => MetricValue.FromBoolean(j % 2 == 0),
                    MetricType.Integer => MetricValue.FromInteger(pole + j),
                    _ => MetricValue.FromFloat(pole * 0.01 + j),
                }))
                .ToArray();
            // Device ids are per-pole strings, as the decoder makes them; metric names are the catalog's.
            devices[d] = new DeviceReading(MetricCatalog.WireName(kind) + "-1", kind, metrics);
        }

        return new TelemetryFrame(now, 1, devices);
    }

    private static long Collect()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    private static double AvailableBytes()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
        return long.Parse(line["MemAvailable:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024.0;
    }

    private sealed class CountingActor : Actor
    {
        public long Count;
    }

    private sealed class TwinActor(string key) : Actor
    {
        public PoleTwin Twin { get; } = new("bench", key);
    }
}
