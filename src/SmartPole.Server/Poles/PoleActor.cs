using SmartPole.Actors;
using SmartPole.Domain;
using SmartPole.Domain.Alarms;
using SmartPole.Domain.Commands;
using SmartPole.Domain.Energy;
using SmartPole.Domain.Lighting;
using SmartPole.Domain.Poles;
using SmartPole.Domain.Telemetry;
using SmartPole.Domain.Wire;
using SmartPole.Server.LiveFeed;
using SmartPole.Telemetry;

namespace SmartPole.Server.Poles;

/// <summary>
/// One pole's actor. Thin on purpose: each turn hands the message to the pole's twin (the
/// behaviour lives in Domain), then does the I/O the twin asked for — readings to the time-series
/// store, events to the live feed, config and commands to the pole over MQTT — and arms the one
/// timer the twin needs next. A plain change only marks the pole for the live feed, which asks for
/// one snapshot per flush (<see cref="PoleFeedQueue"/>). State is saved write-behind: at most
/// <see cref="PoleActorServices.SaveDelay"/> after the first unsaved change, and on deactivation.
/// </summary>
internal sealed class PoleActor(PoleActorServices services) : Actor
{
    private const string StateType = "pole";

    [ThreadStatic]
    private static PointDataBuilder? t_point;

    private PoleTwin? _twin;
    private IDisposable? _timer;
    private DateTimeOffset? _timerDue;
    private DateTimeOffset? _wantedDue;
    private IDisposable? _saveTimer;

    // Both touched only inside turns, which never overlap: no synchronisation needed.
    private bool _feedMarked;
    private bool _unsaved;
    private long _settingsGeneration;

    // Every turn reaches the twin through here: a city whose settings changed since the last turn
    // is applied first, so a new threshold holds from the next frame on, without a restart.
    private PoleTwin Twin
    {
        get
        {
            var twin = _twin ?? throw new InvalidOperationException("pole actor used before activation");
            if (services.Settings.Generation != _settingsGeneration)
            {
                _settingsGeneration = services.Settings.Generation;
                twin.Configure(services.Settings.For(twin.City, twin.Pole));
            }

            return twin;
        }
    }

    protected override async Task OnActivateAsync(CancellationToken ct)
    {
        var (city, pole) = PoleKey.Parse(Key);
        _settingsGeneration = services.Settings.Generation;
        var settings = services.Settings.For(city, pole);
        var saved = await services.State.ReadAsync(StateType, Key, ct);
        _twin = saved is null
            ? new PoleTwin(city, pole, settings, TimeProvider)
            : PoleTwin.Restore(PoleTwinStateSerializer.Deserialize(saved), settings, TimeProvider);
        if (saved is not null)
        {
            services.Feed.Publish(_twin.ToSnapshot());
        }
    }

    protected override async Task OnDeactivateAsync(ActorDeactivationReason reason, CancellationToken ct)
    {
        _timer?.Dispose();
        _timer = null;
        _saveTimer?.Dispose();
        _saveTimer = null;
        if (_twin is null)
        {
            return;
        }

        if (_feedMarked)
        {
            // A snapshot request already queued for this key would reach the next activation instead.
            await PublishSnapshotAsync();
        }

        await SaveAsync(ct);
    }

    /// <summary>Publishes the twin's current state to the live feed; asked by <see cref="PoleFeedQueue"/> once per flush.</summary>
    public ValueTask PublishSnapshotAsync()
    {
        _feedMarked = false;
        services.Feed.Publish(Twin.ToSnapshot());
        return ValueTask.CompletedTask;
    }

    /// <summary>Applies one frame: twin, time series, live feed. A duplicate changes nothing.</summary>
    public async ValueTask ApplyAsync(TelemetryFrame frame)
    {
        if (Twin.Apply(frame) == SeqOutcome.Duplicate)
        {
            return;
        }

        var district = Twin.Settings.Pole?.District;
        var devices = frame.Devices;
        for (var i = 0; i < devices.Count; i++)
        {
            services.Series.Write(ToPoint(devices[i], frame.Timestamp, district));
        }

        await AfterTurnAsync();
    }

    /// <summary>Applies the retained <c>status</c> payload (the gateway's will says <c>offline</c>).</summary>
    public ValueTask ApplyStatusAsync(ReadOnlyMemory<byte> payload)
    {
        Twin.ApplyStatus(payload.Span);
        return AfterTurnAsync();
    }

    /// <summary>Applies a device event from the <c>events</c> topic.</summary>
    public ValueTask ApplyEventAsync(PoleEvent poleEvent)
    {
        Twin.ApplyEvent(poleEvent);
        return AfterTurnAsync();
    }

    /// <summary>Applies a pole's answer to a command.</summary>
    public ValueTask ApplyCommandAckAsync(string commandId, ReadOnlyMemory<byte> payload)
    {
        Twin.ApplyCommandAck(commandId, payload.Span);
        return AfterTurnAsync();
    }

    /// <summary>An operator acknowledges an alarm; false when the pole has no such open alarm.</summary>
    public async ValueTask<bool> AcknowledgeAlarmAsync(string alarmId)
    {
        var done = Twin.AcknowledgeAlarm(alarmId);
        await AfterTurnAsync();
        return done;
    }

    /// <summary>An operator sends a command: accepted, published to the pole, then tracked until its ack.</summary>
    public async ValueTask<CommandRecord> SendCommandAsync(CommandRequest request)
    {
        var record = Twin.AcceptCommand(request);
        var (city, pole) = (Twin.City, Twin.Pole);
        try
        {
            await services.Publisher.PublishAsync(PoleTopic.Command(city, pole, record.Id), request.ToUtf8(), retain: false);
            record = Twin.MarkCommandSent(record.Id) ?? record;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            record = Twin.MarkCommandFailed(record.Id, e.Message) ?? record;
        }

        await AfterTurnAsync();
        return record;
    }

    /// <summary>One command of this pole, or null.</summary>
    public ValueTask<CommandRecord?> CommandAsync(string commandId) =>
        ValueTask.FromResult(Twin.Commands.FirstOrDefault(c => c.Id == commandId));

    /// <summary>The twin's current state.</summary>
    public ValueTask<PoleSnapshot> SnapshotAsync() => ValueTask.FromResult(Twin.ToSnapshot());

    /// <summary>The lighting calendar the pole follows (its own, else its city's; null: none).</summary>
    public ValueTask<PoleCalendar> CalendarAsync() => ValueTask.FromResult(CurrentCalendar());

    /// <summary>Gives the pole a lighting calendar of its own (null: follow the city again); the pole is sent its new config.</summary>
    public async ValueTask<PoleCalendar> SetCalendarAsync(LightingCalendar? calendar)
    {
        Twin.SetLightingOverride(calendar);
        await AfterTurnAsync();
        return CurrentCalendar();
    }

    /// <summary>Each lamp's energy against its unsaved baseline on every local day from <paramref name="from"/> to <paramref name="to"/> the twin still holds.</summary>
    public ValueTask<PoleEnergy> EnergyAsync(DateOnly from, DateOnly to)
    {
        // A lamp by its registry entry, else by the kind it reports as.
        var lighting = MetricCatalog.WireName(DeviceKind.Lighting);
        var lamps = Twin.Settings.Pole is { Devices.Count: > 0 } known
            ? known.Devices.Where(d => d.Kind == DeviceKind.Lighting).Select(d => d.Id).ToHashSet(StringComparer.Ordinal)
            : Twin.ToSnapshot().Devices.Where(d => d.Kind == lighting).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var days = Twin.Energy.Where(e => e.Day >= from && e.Day <= to && lamps.Contains(e.Device))
            .Select(e => Twin.Savings(e.Device, e.Day) ?? new EnergySavings(e.Device, e.Day, 0, e.KWh, 0, 0))
            .ToList();
        return ValueTask.FromResult(new PoleEnergy(Twin.Pole, Twin.Settings.Pole?.District, Twin.Settings.Pole is not null, days));
    }

    // A calendar of the pole's own is one that is not its city's.
    private PoleCalendar CurrentCalendar() => new(Twin.Lighting, Twin.Lighting is not null && !ReferenceEquals(Twin.Lighting, Twin.Settings.Lighting));

    private async ValueTask AfterTurnAsync()
    {
        var events = Twin.TakeEvents();
        if (events.Count == 0)
        {
            // The common case, a frame that changed readings only: the snapshot is built at flush time.
            if (!_feedMarked)
            {
                _feedMarked = true;
                services.FeedQueue.Mark(Key);
            }
        }
        else
        {
            foreach (var change in events)
            {
                if (change is DesiredConfigChanged config)
                {
                    await services.Publisher.PublishAsync(PoleTopic.Config(Twin.City, Twin.Pole), config.Config.ToUtf8(), retain: true);
                }
            }

            // Events are delivered in order with the state they produced, never coalesced.
            services.Feed.Publish(Twin.ToSnapshot(), events);
        }

        ArmTimer();
        ScheduleSave();
    }

    private void ScheduleSave()
    {
        _unsaved = true;
        _saveTimer ??= RegisterTimer(OnSaveTimerAsync, services.SaveDelay, Timeout.InfiniteTimeSpan);
    }

    private async Task OnSaveTimerAsync(CancellationToken ct)
    {
        _saveTimer?.Dispose();
        _saveTimer = null;
        await SaveAsync(ct);
    }

    private async ValueTask SaveAsync(CancellationToken ct)
    {
        if (!_unsaved || _twin is null)
        {
            return;
        }

        _unsaved = false;
        try
        {
            await services.State.WriteAsync(StateType, Key, PoleTwinStateSerializer.Serialize(_twin.ToState()), ct);
        }
        catch
        {
            // The host logs the failed turn; the next change schedules another try, deactivation tries again.
            _unsaved = true;
            throw;
        }
    }

    // The twin needs at most one wake-up (silence, command timeout, maintenance edge, next night).
    // Every frame pushes the silence deadline a little later: rather than replacing the timer per frame,
    // the armed one is kept when the new deadline is later, and when it fires early it re-arms for the
    // deadline wanted then. The twin is woken at the same moments as with a timer replaced every time.
    private void ArmTimer()
    {
        var due = Twin.NextDeadline;
        _wantedDue = due;
        if (due == _timerDue || (_timer is not null && due > _timerDue))
        {
            return;
        }

        StartTimer(due);
    }

    private void StartTimer(DateTimeOffset? due)
    {
        _timer?.Dispose();
        _timer = null;
        _timerDue = due;
        if (due is { } at)
        {
            var delay = at - TimeProvider.GetUtcNow();
            _timer = RegisterTimer(OnTimerAsync, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task OnTimerAsync(CancellationToken ct)
    {
        if (_wantedDue is { } wanted && wanted > _timerDue && wanted > TimeProvider.GetUtcNow())
        {
            StartTimer(wanted);
            return;
        }

        _timerDue = null;
        Twin.OnTimer();
        await AfterTurnAsync();
    }

    // InfluxDB schema of the design: measurement = kind; tags = city, pole, device, district; fields = metrics; ms.
    // One builder per thread rather than per actor: a point is built and frozen within one call, and a
    // builder per pole would cost every pole its arrays.
    private PointData ToPoint(DeviceReading reading, DateTimeOffset timestamp, string? district)
    {
        var measurement = MetricCatalog.WireName(reading.Kind);

        // Tags in key order (the builder keeps them sorted: no shifting), metrics by index (no boxed enumerator).
        var point = (t_point ??= new PointDataBuilder(measurement)).Reset(measurement)
            .Tag("city", Twin.City)
            .Tag("device", reading.DeviceId)
            .Tag("district", district)
            .Tag("pole", Twin.Pole);
        var metrics = reading.Metrics;
        for (var i = 0; i < metrics.Count; i++)
        {
            var metric = metrics[i];
            _ = metric.Value.Type switch
            {
                MetricType.Boolean => point.Field(metric.Name, metric.Value.AsBoolean()),
                MetricType.Integer => point.Field(metric.Name, metric.Value.AsInteger()),
                _ => point.Field(metric.Name, metric.Value.AsDouble()),
            };
        }

        return point.ToPoint(timestamp);
    }
}
