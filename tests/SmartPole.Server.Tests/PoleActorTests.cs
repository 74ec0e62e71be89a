using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SmartPole.Actors;
using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Poles;
using SmartPole.Domain.Telemetry;
using SmartPole.Server.LiveFeed;
using SmartPole.Server.Poles;
using SmartPole.Telemetry;
using SmartPole.Testing;

namespace SmartPole.Server.Tests;

public sealed class PoleActorTests : IAsyncDisposable
{
    private const string Key = "sz/p1";
    private static readonly TimeSpan SaveDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 4, 0, 0, TimeSpan.Zero));
    private readonly RecordingStore _store = new();
    private readonly CityFeed _feed = new(new PoleReadModel());
    private readonly PoleFeedQueue _queue = new();
    private readonly RecordingPublisher _publisher = new();
    private readonly CityRegistry _registry = new();
    private readonly ServiceProvider _configuration;
    private readonly ActorHost<PoleActor> _host;

    public PoleActorTests()
    {
        _configuration = Configuration(new()
        {
            ["Cities:sz:Thresholds:CabinetTempC"] = "55",
            ["Cities:sz:Lighting"] = "duskToDawn",
        });
        _host = NewHost();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _configuration.DisposeAsync();
    }

    [Fact]
    public void Each_city_gets_its_configured_thresholds_and_calendar_and_others_the_defaults()
    {
        var settings = Settings();

        var shenzhen = settings.For("sz", "p1");
        var harbin = settings.For("hrb", "p1");

        Assert.Equal(55, shenzhen.Thresholds.CabinetTempC);
        Assert.Equal(75, shenzhen.Thresholds.Pm25);
        Assert.NotNull(shenzhen.Lighting);
        Assert.Equal(60, harbin.Thresholds.CabinetTempC);
        Assert.Null(harbin.Lighting);
    }

    [Fact]
    public async Task A_pole_with_coordinates_in_a_city_with_a_calendar_gets_its_retained_config_on_first_contact()
    {
        _registry.AddCity(new CityInfo("sz", "深圳", "Shenzhen", "Asia/Shanghai", [new PoleInfo("p1", "p1", 22.5, 114.06, null, [])]));

        await Apply(1);
        await Drained();

        var (topic, payload, retain) = Assert.Single(_publisher.Published);
        Assert.Equal("sp/sz/p1/config", topic);
        Assert.True(retain);
        Assert.Contains("\"cabinetTempC\":55", System.Text.Encoding.UTF8.GetString(payload), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Many_frames_between_two_flushes_build_one_snapshot_with_the_newest_state()
    {
        await Apply(1);
        await Drained();
        _feed.Drain();
        _feed.DrainEvents();

        for (var seq = 2; seq <= 10; seq++)
        {
            await Apply(seq);
        }

        await Drained();
        var before = _feed.PendingCount;
        _queue.RequestSnapshots(_host);
        await Drained();
        var batch = _feed.Drain();

        Assert.Equal(0, before);
        Assert.Equal(10, Assert.Single(batch["sz"]).Seq);
        Assert.Equal(0, _queue.Count);
    }

    [Fact]
    public async Task State_is_saved_once_the_save_delay_has_passed_after_a_change_without_deactivation()
    {
        await Apply(1);
        await Apply(2);
        await Drained();
        var early = _store.Writes;
        var next = _store.NextWrite;

        _time.Advance(SaveDelay);
        var saved = await next.WaitAsync(Wait);

        Assert.Equal(0, early);
        Assert.Equal(2, PoleTwinStateSerializer.Deserialize(saved).LastSeq);
        Assert.Equal(1, _host.ActiveCount);
    }

    [Fact]
    public async Task A_restarted_host_restores_the_twin_saved_by_the_write_behind()
    {
        await Apply(7);
        await Drained();
        var next = _store.NextWrite;
        _time.Advance(SaveDelay);
        await next.WaitAsync(Wait);
        await using var restarted = NewHost();

        var snapshot = await restarted.AskAsync(Key, static (a, _) => a.SnapshotAsync());

        Assert.Equal(7, snapshot.Seq);
    }

    private static ServiceProvider Configuration(Dictionary<string, string?> values)
    {
        var services = new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddOptions<Dictionary<string, CityPoleOptions>>().BindConfiguration(CityPoleOptions.Section);
        return services.BuildServiceProvider();
    }

    private PoleSettingsProvider Settings() =>
        new(_registry, _configuration.GetRequiredService<IOptionsMonitor<Dictionary<string, CityPoleOptions>>>());

    private ActorHost<PoleActor> NewHost()
    {
        var services = new PoleActorServices(new DiscardingWriter(), _feed, _queue, Settings(), _store, _publisher, SaveDelay);
        return new ActorHost<PoleActor>(_ => new PoleActor(services), new ActorHostOptions(), timeProvider: _time);
    }

    private ValueTask Apply(long seq)
    {
        var frame = new TelemetryFrame(_time.GetUtcNow().AddSeconds(seq), seq,
        [
            new DeviceReading("lamp-1", DeviceKind.Lighting, [new Metric("on", MetricValue.FromBoolean(false)), new Metric("powerW", MetricValue.FromFloat(seq))]),
        ]);
        return _host.TellAsync(Key, (a, _) => a.ApplyAsync(frame));
    }

    // An ask is queued behind every earlier call of the pole, so its answer means they have all run.
    private async Task Drained() => await _host.AskAsync(Key, static (a, _) => a.SnapshotAsync());

    private sealed class RecordingStore : IActorStateStore
    {
        private readonly ConcurrentDictionary<string, byte[]> _state = new();
        private TaskCompletionSource<byte[]> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        public Task<byte[]> NextWrite => Volatile.Read(ref _next).Task;

        public ValueTask<byte[]?> ReadAsync(string actorType, string key, CancellationToken ct) =>
            ValueTask.FromResult(_state.TryGetValue(actorType + "|" + key, out var bytes) ? bytes : null);

        public ValueTask WriteAsync(string actorType, string key, ReadOnlyMemory<byte> state, CancellationToken ct)
        {
            var bytes = state.ToArray();
            _state[actorType + "|" + key] = bytes;
            Interlocked.Increment(ref _writes);
            Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(bytes);
            return ValueTask.CompletedTask;
        }

        public ValueTask ClearAsync(string actorType, string key, CancellationToken ct)
        {
            _state.TryRemove(actorType + "|" + key, out _);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class DiscardingWriter : ITimeSeriesWriter
    {
        public TimeSeriesWriterCounters Counters => default!;

        public void Write(PointData point)
        {
        }

        public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class RecordingPublisher : IPolePublisher
    {
        public ConcurrentQueue<(string Topic, byte[] Payload, bool Retain)> Published { get; } = new();

        public ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain)
        {
            Published.Enqueue((topic, payload.ToArray(), retain));
            return ValueTask.CompletedTask;
        }
    }
}
