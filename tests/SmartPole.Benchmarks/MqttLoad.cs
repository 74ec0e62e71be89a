using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using SmartPole.Mqtt;

namespace SmartPole.Benchmarks;

/// <summary>
/// The load generator of the broker scenario, the same code for every broker: <c>pairs</c> publishers each
/// publishing to its own topic with one subscriber, and one publisher whose topic <c>fanOut</c> subscribers
/// share. Every payload starts with the publish time (Stopwatch ticks), the publisher's index and the case id,
/// so subscribers measure publish → delivery latency and ignore stragglers of an earlier case.
/// </summary>
internal sealed class MqttLoad : IAsyncDisposable
{
    /// <summary>Messages a publisher of a pair may have on their way (published, not yet delivered) in a saturation case.</summary>
    public const int PairWindow = 16;

    /// <summary>Messages the fan-out publisher may have on their way (each counts once all subscribers have it).</summary>
    public const int FanOutWindow = 8;

    private const int HeaderBytes = 16;
    private const int LatencyCapacity = 4_000_000;
    private static readonly TimeSpan StallTimeout = TimeSpan.FromMilliseconds(250);

    private readonly List<MqttClient> _clients = [];
    private readonly int _port;
    private MqttClient[] _pairPublishers = [];
    private MqttClient _fanPublisher = null!;
    private int _fanOut;
    private volatile LoadCase? _current;
    private int _caseIds;

    private MqttLoad(int port) => _port = port;

    /// <summary>Connects and subscribes every client (QoS 1 subscriptions, so a publish keeps its own QoS).</summary>
    public static async Task<MqttLoad> ConnectAsync(int port, int pairs, int fanOut, CancellationToken ct)
    {
        var load = new MqttLoad(port) { _fanOut = fanOut };
        var publishers = Enumerable.Range(0, pairs).Select(i => load.Create($"bench-pp-{i}")).ToArray();
        var subscribers = Enumerable.Range(0, pairs).Select(i => load.Create($"bench-ps-{i}")).ToArray();
        var fanPublisher = load.Create("bench-fp");
        var fanSubscribers = Enumerable.Range(0, fanOut).Select(i => load.Create($"bench-fs-{i}")).ToArray();
        await ConnectAllAsync(load._clients, ct);
        await Parallel.ForEachAsync(Enumerable.Range(0, pairs), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct }, async (i, token) =>
            await subscribers[i].SubscribeAsync(PairTopic(i), MqttQualityOfService.AtLeastOnce, token));
        await Parallel.ForEachAsync(fanSubscribers, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct }, async (s, token) =>
            await s.SubscribeAsync(FanTopic, MqttQualityOfService.AtLeastOnce, token));
        foreach (var s in subscribers.Concat(fanSubscribers))
        {
            s.MessageReceivedAsync = load.OnMessage;
        }

        load._pairPublishers = publishers;
        load._fanPublisher = fanPublisher;
        return load;
    }

    /// <summary>Opens <paramref name="count"/> connections that then stay idle (the memory case); dispose them when done.</summary>
    public static async Task<IReadOnlyList<MqttClient>> ConnectIdleAsync(int port, int count, CancellationToken ct)
    {
        var clients = Enumerable.Range(0, count)
            .Select(i => new MqttClient(new MqttClientOptions { Host = "127.0.0.1", Port = port, ClientId = $"idle-{i}", KeepAlive = TimeSpan.FromSeconds(120) }))
            .ToList();
        await ConnectAllAsync(clients, ct);
        return clients;
    }

    /// <summary>Disposes clients <paramref name="parallelism"/> at a time.</summary>
    public static Task DisposeAllAsync(IEnumerable<MqttClient> clients, int parallelism = 64) =>
        Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (c, _) => await c.DisposeAsync());

    /// <summary>
    /// Runs one case: publishers publish for <paramref name="warmup"/> + <paramref name="window"/>; counts and
    /// latencies are taken in the window only. Without <paramref name="pacedInterval"/> each publisher
    /// publishes as fast as its window of undelivered messages allows (saturation); with it, one message per
    /// interval per publisher.
    /// </summary>
    public async Task<LoadResult> RunAsync(
        bool fanOut, MqttQualityOfService qos, int payloadBytes, TimeSpan warmup, TimeSpan window, TimeSpan? pacedInterval, Func<double> brokerCpuSeconds)
    {
        var publishers = fanOut ? [_fanPublisher] : _pairPublishers;
        var state = new LoadCase(
            Interlocked.Increment(ref _caseIds),
            fanOut ? _fanOut : 1,
            pacedInterval is null ? Enumerable.Range(0, publishers.Length).Select(_ => new SemaphoreSlim(fanOut ? FanOutWindow : PairWindow)).ToArray() : null);
        _current = state;
        using var stop = new CancellationTokenSource();
        var loops = publishers
            .Select((client, i) => Task.Run(() => PublishLoopAsync(client, i, fanOut ? FanTopic : PairTopic(i), state, qos, Math.Max(HeaderBytes, payloadBytes), pacedInterval, stop.Token)))
            .ToArray();

        await Task.Delay(warmup);
        var cpuBefore = brokerCpuSeconds();
        var started = Stopwatch.GetTimestamp();
        state.Measuring = true;
        await Task.Delay(window);
        state.Measuring = false;
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = brokerCpuSeconds() - cpuBefore;
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        await state.WaitOutstandingAsync(TimeSpan.FromSeconds(30));

        var latencies = state.LatenciesMs();
        return new LoadResult(
            state.PublishedInWindow / elapsed,
            state.DeliveredInWindow / elapsed,
            latencies.Length == 0 ? double.NaN : Figure.Percentile(latencies, 0.50),
            latencies.Length == 0 ? double.NaN : Figure.Percentile(latencies, 0.99),
            cpu / elapsed,
            state.Errors,
            state.Stalls,
            state.FirstError);
    }

    public async ValueTask DisposeAsync()
    {
        _current = null;
        await DisposeAllAsync(_clients);
    }

    private static string PairTopic(int i) => string.Create(CultureInfo.InvariantCulture, $"bench/pair/{i}");

    private const string FanTopic = "bench/fan";

    private static Task ConnectAllAsync(IEnumerable<MqttClient> clients, CancellationToken ct) =>
        Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = ct }, async (c, token) => await c.ConnectAsync(token));

    private static async Task PublishLoopAsync(
        MqttClient client, int index, string topic, LoadCase state, MqttQualityOfService qos, int size, TimeSpan? interval, CancellationToken stop)
    {
        using var timer = interval is { } every ? new PeriodicTimer(every) : null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (timer is not null)
                {
                    await timer.WaitForNextTickAsync(stop);
                }
                else if (!await state.Windows![index].WaitAsync(StallTimeout, stop))
                {
                    // A window slot not given back in time: the message was dropped (QoS 0) or is slow. Publish anyway.
                    state.Stalled();
                }

                var payload = new byte[size];
                BinaryPrimitives.WriteInt64LittleEndian(payload, Stopwatch.GetTimestamp());
                BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(8), index);
                BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(12), state.Id);
                var publish = client.PublishAsync(new MqttApplicationMessage(topic, payload, qos), CancellationToken.None);
                state.Published();
                if (qos == MqttQualityOfService.AtMostOnce)
                {
                    try
                    {
                        await publish;
                    }
                    catch (Exception e) when (e is IOException or MqttRefusedException or InvalidOperationException or ObjectDisposedException)
                    {
                        state.Failed(e);
                    }
                }
                else
                {
                    state.Track(publish);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private MqttClient Create(string clientId)
    {
        var client = new MqttClient(new MqttClientOptions { Host = "127.0.0.1", Port = _port, ClientId = clientId, MaxInflight = 100 });
        _clients.Add(client);
        return client;
    }

    private ValueTask OnMessage(MqttApplicationMessage message)
    {
        _current?.Delivered(message.Payload.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>The counters of one case.</summary>
    private sealed class LoadCase(int id, int fanOut, SemaphoreSlim[]? windows)
    {
        private readonly long[] _latencyTicks = new long[LatencyCapacity];
        private long _published;
        private long _delivered;
        private long _fanDeliveries;
        private int _latencyCount;
        private int _outstanding;
        private int _errors;
        private int _stalls;

        public int Id => id;

        public SemaphoreSlim[]? Windows => windows;

        public volatile bool Measuring;

        public long PublishedInWindow => Interlocked.Read(ref _published);

        public long DeliveredInWindow => Interlocked.Read(ref _delivered);

        public int Errors => _errors;

        public int Stalls => _stalls;

        public string? FirstError { get; private set; }

        public void Published()
        {
            if (Measuring)
            {
                Interlocked.Increment(ref _published);
            }
        }

        public void Stalled() => Interlocked.Increment(ref _stalls);

        public void Failed(Exception e)
        {
            if (Interlocked.Increment(ref _errors) == 1)
            {
                FirstError = e.GetType().Name + ": " + e.Message;
            }
        }

        public void Track(Task publish)
        {
            Interlocked.Increment(ref _outstanding);
            publish.ContinueWith(
                (t, s) =>
                {
                    var self = (LoadCase)s!;
                    if (t.Exception is { } e)
                    {
                        self.Failed(e.InnerException ?? e);
                    }

                    Interlocked.Decrement(ref self._outstanding);
                },
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        public async Task WaitOutstandingAsync(TimeSpan timeout)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (Volatile.Read(ref _outstanding) > 0 && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(20);
            }
        }

        public void Delivered(ReadOnlySpan<byte> payload)
        {
            if (payload.Length < HeaderBytes || BinaryPrimitives.ReadInt32LittleEndian(payload[12..]) != id)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            if (Measuring)
            {
                Interlocked.Increment(ref _delivered);
                var slot = Interlocked.Increment(ref _latencyCount) - 1;
                if (slot < _latencyTicks.Length)
                {
                    _latencyTicks[slot] = now - BinaryPrimitives.ReadInt64LittleEndian(payload);
                }
            }

            if (windows is null)
            {
                return;
            }

            if (fanOut == 1)
            {
                windows[BinaryPrimitives.ReadInt32LittleEndian(payload[8..])].Release();
            }
            else if (Interlocked.Increment(ref _fanDeliveries) % fanOut == 0)
            {
                windows[0].Release();
            }
        }

        public double[] LatenciesMs()
        {
            var count = Math.Min(Volatile.Read(ref _latencyCount), _latencyTicks.Length);
            var result = new double[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = _latencyTicks[i] * 1000.0 / Stopwatch.Frequency;
            }

            return result;
        }
    }
}
