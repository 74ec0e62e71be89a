using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using SmartPole.Actors;
using SmartPole.Domain;
using SmartPole.Domain.Poles;
using SmartPole.Domain.Telemetry;

namespace SmartPole.Benchmarks;

/// <summary>
/// The actor host: frames/s through pole actors (each a <see cref="PoleTwin"/>; store and live feed left
/// out), one-way dispatch to many actors against a raw <see cref="Channel{T}"/> pipe doing the same work
/// in the same run, and memory per active actor holding a full pole twin at 100,000 (and 1,000,000 when
/// the machine has the memory) actors.
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
            $"{DispatchActors:N0} actors, {producers} producers (one per core, the same send loop for both), each message = a string key whose target's counter is incremented (the host looks the key up in its table, the pipe's consumer in its shard's dictionary); {window.TotalSeconds:0.#} s of sending, then drained (drain seen on the host's turn counter, not by asking every actor)");
        var sizes = new List<int> { 100_000 };
        for (var run = 1; run <= settings.Runs; run++)
        {
            Console.WriteLine($"actors: run {run}/{settings.Runs}");
            var frames = await PoleFramesAsync(producers, window, ct);
            var framesConditions = string.Create(CultureInfo.InvariantCulture,
                $"{DispatchActors:N0} pole actors, {producers} producers (one per core) awaiting TellAsync of a decoded frame (6 devices / {FrameMetrics} metrics, new seq each); each turn = PoleTwin.Apply (seq, readings, energy, alarm rules); no store, no live feed; {window.TotalSeconds:0.#} s, then drained");
            report.Record(Scenario, "pole frames", "ActorHost + PoleTwin.Apply", "frames/s", "frames/s", frames, framesConditions);
            report.Record(Scenario, "pole frames", "ActorHost + PoleTwin.Apply", "data points/s", "points/s", frames * FrameMetrics, framesConditions);

            var host = await ActorDispatchAsync(producers, window, ct);
            var channel = await ChannelDispatchAsync(producers, window, ct);
            report.Record(Scenario, "one-way dispatch", "ActorHost.TellAsync", "messages/s", "msgs/s", host, dispatchConditions);
            report.Record(Scenario, "one-way dispatch", "Channel<T> (bounded 1,024 per consumer, one consumer per core, key → counter dictionary per consumer)", "messages/s", "msgs/s", channel, dispatchConditions);
            report.Record(Scenario, "one-way dispatch", "ActorHost ÷ Channel<T>", "ratio", "×", host / channel, "same run");

            for (var k = 0; k < sizes.Count; k++)
            {
                var count = sizes[k];
                var (perActor, perTwin, metrics) = await MemoryPerActorAsync(count, measureTwinAlone: count <= 100_000, ct);
                var label = string.Create(CultureInfo.InvariantCulture, $"{count:N0} active pole actors");
                var conditions = string.Create(CultureInfo.InvariantCulture,
                    $"each a PoleTwin after one frame of 6 devices / {metrics} metrics (a healthy pole: no alarm), events taken; managed heap after forced full GC ÷ count (keys, host cell, actor, twin)");
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

    private static int FrameMetrics => SixDevices.Sum(k => MetricCatalog.Metrics(k).Count);

    private static async Task<double> PoleFramesAsync(int producers, TimeSpan window, CancellationToken ct)
    {
        await using var host = new ActorHost<TwinActor>(key => new TwinActor(key), new ActorHostOptions());
        // A multiple of the producer count, so that producer p alone owns the poles i ≡ p (mod producers).
        var keys = Enumerable.Range(0, DispatchActors - (DispatchActors % producers)).Select(i => "p-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var start = DateTimeOffset.UtcNow;

        // One set of decoded readings shared by every frame: the decoder's cost is not the host's.
        var devices = Frame(0, start).Devices;
        var seqs = new long[keys.Length];
        foreach (var key in keys)
        {
            await host.TellAsync(key, static (a, _) => ValueTask.CompletedTask, ct);
        }

        await DrainedAsync(host, keys.Length, ct);
        var turnsBefore = host.Counters.Turns;
        var clock = Stopwatch.StartNew();
        var sent = await ProduceAsync(producers, clock, window, i =>
        {
            // Each pole's seq only grows: only its owner writes it.
            var pole = i % keys.Length;
            var seq = ++seqs[pole];
            var frame = new TelemetryFrame(start.AddMilliseconds(seq * 10), seq, devices);
            return host.TellAsync(keys[pole], (a, _) => a.ApplyAsync(frame), ct);
        });

        await DrainedAsync(host, turnsBefore + sent, ct);
        var seconds = clock.Elapsed.TotalSeconds;
        var applied = 0L;
        foreach (var key in keys)
        {
            applied += await host.AskAsync(key, static (a, _) => ValueTask.FromResult(a.Twin.Frames), ct);
        }

        if (applied != sent)
        {
            throw new InvalidOperationException($"the pole actors applied {applied} frames of {sent}");
        }

        return sent / seconds;
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

        await DrainedAsync(host, keys.Length, ct);
        var turnsBefore = host.Counters.Turns;
        var clock = Stopwatch.StartNew();
        var sent = await ProduceAsync(producers, clock, window, i => host.TellAsync(keys[i % keys.Length], increment, ct));
        await DrainedAsync(host, turnsBefore + sent, ct);
        var seconds = clock.Elapsed.TotalSeconds;

        // Checked after the clock stopped: every message reached its actor exactly once.
        var counted = 0L;
        foreach (var key in keys)
        {
            counted += await host.AskAsync(key, static (a, _) => ValueTask.FromResult(a.Count), ct);
        }

        if (counted != sent + keys.Length)
        {
            throw new InvalidOperationException($"the actors counted {counted - keys.Length} messages of {sent}");
        }

        return sent / seconds;
    }

    /// <summary>
    /// Waits until the host has finished <paramref name="turns"/> turns in all. Read from the host's own
    /// counter: asking every actor (a turn each, queued behind the last messages) would charge the drain check to the host.
    /// </summary>
    private static async Task DrainedAsync<TActor>(ActorHost<TActor> host, long turns, CancellationToken ct)
        where TActor : Actor
    {
        while (host.Counters.Turns < turns)
        {
            await Task.Delay(1, ct);
        }
    }

    /// <summary>
    /// One producer per core, each awaiting <paramref name="send"/> of i = p, p + producers, p + 2 × producers, …
    /// in bursts of 1,024 until <paramref name="window"/> has passed on <paramref name="clock"/>; returns the messages sent.
    /// </summary>
    private static async Task<long> ProduceAsync(int producers, Stopwatch clock, TimeSpan window, Func<int, ValueTask> send)
    {
        var sent = 0L;
        var tasks = Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            var mine = 0L;
            var i = p;
            while (clock.Elapsed < window)
            {
                for (var burst = 0; burst < 1024; burst++)
                {
                    await send(i);
                    i += producers;
                }

                mine += 1024;
            }

            Interlocked.Add(ref sent, mine);
        })).ToArray();
        await Task.WhenAll(tasks);
        return sent;
    }

    private static async Task<double> ChannelDispatchAsync(int consumers, TimeSpan window, CancellationToken ct)
    {
        // The same work without a host: the same producers send the same string keys, sharded over one bounded
        // channel per consumer; each consumer owns its share of the counters in a dictionary by key, as a
        // turn-based actor owns its state, and finds the target by key as the host does.
        var keys = Enumerable.Range(0, DispatchActors).Select(i => "a-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var shards = Enumerable.Range(0, consumers).Select(_ => new Dictionary<string, StrongBox<long>>(StringComparer.Ordinal)).ToArray();
        for (var i = 0; i < keys.Length; i++)
        {
            shards[i % consumers][keys[i]] = new StrongBox<long>();
        }

        var channels = Enumerable.Range(0, consumers)
            .Select(_ => Channel.CreateBounded<string>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = false }))
            .ToArray();
        var readers = Enumerable.Range(0, consumers).Select(c => Task.Run(async () =>
        {
            var shard = shards[c];
            await foreach (var key in channels[c].Reader.ReadAllAsync(ct))
            {
                shard[key].Value++;
            }
        })).ToArray();
        var clock = Stopwatch.StartNew();
        var sent = await ProduceAsync(consumers, clock, window, i =>
        {
            var index = i % keys.Length;
            return channels[index % consumers].Writer.WriteAsync(keys[index], ct);
        });
        foreach (var c in channels)
        {
            c.Writer.Complete();
        }

        await Task.WhenAll(readers);
        var seconds = clock.Elapsed.TotalSeconds;
        var counted = shards.Sum(s => s.Values.Sum(v => v.Value));
        if (counted != sent)
        {
            throw new InvalidOperationException($"the channel pipe lost messages: {counted} of {sent}");
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
            await host.TellAsync(key, (a, _) => a.ApplyAsync(frame), ct);
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
            twin.TakeEvents();
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
            // A healthy pole (no alarm holds): door shut, no water, everything on air, values under their limits.
            var metrics = MetricCatalog.Metrics(kind)
                .Select((m, j) => new Metric(m.Name, m.Type switch
                {
                    MetricType.Boolean => MetricValue.FromBoolean(m.Name is not ("doorOpen" or "waterLeak")),
                    MetricType.Integer => MetricValue.FromInteger(pole + j),
                    _ => MetricValue.FromFloat((pole % 100 * 0.01) + (kind == DeviceKind.Cabinet ? 1 : 10 + j)),
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

        /// <summary>What the server's pole actor does with a frame, minus its I/O: apply, then take the events raised.</summary>
        public ValueTask ApplyAsync(TelemetryFrame frame)
        {
            Twin.Apply(frame);
            Twin.TakeEvents();
            return ValueTask.CompletedTask;
        }
    }
}
