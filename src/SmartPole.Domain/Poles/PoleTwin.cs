using System.Globalization;
using SmartPole.Domain.Alarms;
using SmartPole.Domain.Alarms.Rules;
using SmartPole.Domain.Commands;
using SmartPole.Domain.Energy;
using SmartPole.Domain.Incidents;
using SmartPole.Domain.Lighting;
using SmartPole.Domain.Telemetry;

namespace SmartPole.Domain.Poles;

/// <summary>
/// The live twin of one pole: latest readings, sequence bookkeeping, online status, alarms and
/// incidents, commands, lighting schedule and energy. Plain state and methods, no I/O and no
/// threads: the host calls one method at a time (an actor turn), then takes the events it raised
/// with <see cref="TakeEvents"/> and arms one timer for <see cref="NextDeadline"/>, calling
/// <see cref="OnTimer"/> when it fires. Time comes from the <see cref="TimeProvider"/> or from the
/// timestamps passed in.
/// </summary>
public sealed class PoleTwin : IRuleSubject
{
    private readonly TimeProvider _time;
    private readonly AlarmBook _alarms;
    private readonly IncidentBook _incidents;
    private readonly CommandTracker _commands;
    private readonly EnergyLedger _energy;
    private PoleTwinSettings _settings;
    private DeviceSlot[] _devices = [];
    private List<TwinEvent>? _events;
    private List<MaintenanceWindow>? _maintenance;
    private LightingCalendar? _lightingOverride;
    private ulong _configHash;
    private bool _configAnnounced;

    /// <summary>Creates the twin of <paramref name="pole"/> in <paramref name="city"/> with default settings and the system clock.</summary>
    public PoleTwin(string city, string pole)
        : this(city, pole, PoleTwinSettings.Default, TimeProvider.System)
    {
    }

    /// <summary>Creates the twin of <paramref name="pole"/> in <paramref name="city"/>.</summary>
    public PoleTwin(string city, string pole, PoleTwinSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        City = city;
        Pole = pole;
        _settings = settings;
        _time = time;
        _alarms = new AlarmBook(settings.HistoryLength);
        _incidents = new IncidentBook(settings.HistoryLength);
        _commands = new CommandTracker(settings.HistoryLength);
        _energy = new EnergyLedger(settings.EnergyDays);
    }

    /// <summary>City id.</summary>
    public string City { get; }

    /// <summary>Pole id.</summary>
    public string Pole { get; }

    /// <summary>The settings in force.</summary>
    public PoleTwinSettings Settings => _settings;

    /// <summary>Sequence number of the newest applied frame; -1 before the first.</summary>
    public long LastSeq { get; private set; } = -1;

    /// <summary>Timestamp of the newest applied frame.</summary>
    public DateTimeOffset? LastSeen { get; private set; }

    /// <summary>Frames applied.</summary>
    public long Frames { get; private set; }

    /// <summary>Frames missing from the sequence (counted as loss).</summary>
    public long LostFrames { get; private set; }

    /// <summary>Repeated frames that were dropped.</summary>
    public long Duplicates { get; private set; }

    /// <summary>How many times the gateway restarted its sequence.</summary>
    public int Epoch { get; private set; }

    /// <summary>Whether the pole is reachable.</summary>
    public PoleStatus Status { get; private set; }

    /// <summary>When <see cref="Status"/> last changed, or null before the first contact.</summary>
    public DateTimeOffset? StatusSince { get; private set; }

    /// <summary>When the platform last heard from the pole (platform clock), or null.</summary>
    public DateTimeOffset? LastHeard { get; private set; }

    /// <summary>Silence after which the pole is offline: max(3 × interval, the city's minimum).</summary>
    public TimeSpan OfflineAfter => _settings.Thresholds.OfflineAfter(_settings.ReportingInterval);

    /// <summary>Open alarms, oldest first.</summary>
    public IReadOnlyList<Alarm> ActiveAlarms => _alarms.Open;

    /// <summary>Recently cleared alarms, oldest first (at most <see cref="PoleTwinSettings.HistoryLength"/>).</summary>
    public IReadOnlyList<Alarm> AlarmHistory => _alarms.History;

    /// <summary>Open incidents.</summary>
    public IReadOnlyList<Incident> OpenIncidents => _incidents.Open;

    /// <summary>Recently closed incidents.</summary>
    public IReadOnlyList<Incident> ClosedIncidents => _incidents.Closed;

    /// <summary>Open commands and the most recent finished ones, in the order they were accepted.</summary>
    public IReadOnlyList<CommandRecord> Commands => _commands.All;

    /// <summary>kWh per device per local day, for the days kept.</summary>
    public IReadOnlyList<DailyEnergy> Energy => _energy.All();

    /// <summary>The lighting calendar in force: this pole's override, else the city's; null when none.</summary>
    public LightingCalendar? Lighting => _lightingOverride ?? _settings.Lighting;

    /// <summary>
    /// The earliest instant at which <see cref="OnTimer"/> has work: the staleness deadline while
    /// online, a command's deadline, a maintenance window boundary, or the next night's start (new
    /// config). Null when nothing is due. Re-read it after every call.
    /// </summary>
    public DateTimeOffset? NextDeadline
    {
        get
        {
            DateTimeOffset? next = null;
            void Consider(DateTimeOffset? at)
            {
                if (at is { } value && (next is null || value < next))
                {
                    next = value;
                }
            }

            if (Status == PoleStatus.Online && LastHeard is { } heard)
            {
                Consider(heard + OfflineAfter);
            }

            Consider(_commands.NextDeadline);
            var now = _time.GetUtcNow();
            foreach (var window in _maintenance ?? [])
            {
                Consider(window.From > now ? window.From : window.To);
            }

            if (Status != PoleStatus.Unknown && CanPlanLighting)
            {
                Consider(LightingCalendar.NightStart(LightingCalendar.NightOf(now, _settings.TimeZone).AddDays(1), _settings.TimeZone));
            }

            return next;
        }
    }

    private bool CanPlanLighting => Lighting is not null && _settings.Pole is not null;

    /// <summary>Returns the events raised since the last call and forgets them.</summary>
    public IReadOnlyList<TwinEvent> TakeEvents()
    {
        if (_events is null)
        {
            return [];
        }

        var taken = _events;
        _events = null;
        return taken;
    }

    /// <summary>Replaces the settings (the city's thresholds or calendar changed); announces a changed config.</summary>
    public void Configure(PoleTwinSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        AnnounceConfigIfChanged(_time.GetUtcNow());
    }

    /// <summary>
    /// Applies <paramref name="frame"/> unless it repeats one already applied. Returns what the
    /// sequence number meant; a <see cref="SeqOutcome.Duplicate"/> changes nothing but the count.
    /// Otherwise the pole is online, its readings and energy are updated and the alarm rules of the
    /// devices in the frame run at the frame's timestamp.
    /// </summary>
    public SeqOutcome Apply(TelemetryFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var outcome = Classify(frame);
        if (outcome == SeqOutcome.Duplicate)
        {
            Duplicates++;
            return outcome;
        }

        if (outcome == SeqOutcome.NewEpoch)
        {
            Epoch++;
        }
        else if (LastSeq >= 0 && frame.Seq > LastSeq + 1)
        {
            LostFrames += frame.Seq - LastSeq - 1;
        }

        LastSeq = frame.Seq;
        LastSeen = frame.Timestamp;
        Frames++;
        var now = _time.GetUtcNow();
        Heard(now);

        // Indexed loops: the lists arrive as interfaces, and foreach over one boxes an enumerator per list per frame.
        var devices = frame.Devices;
        for (var d = 0; d < devices.Count; d++)
        {
            var reading = devices[d];
            var device = Slot(reading.DeviceId, reading.Kind);
            device.TimestampTicks = frame.Timestamp.UtcTicks;
            var metrics = reading.Metrics;
            for (var m = 0; m < metrics.Count; m++)
            {
                var metric = metrics[m];
                device.Set(metric.Name, metric.Value.AsDouble());
                if (metric.Name == "energyKWh")
                {
                    _energy.Apply(reading.DeviceId, metric.Value.AsDouble(), frame.Timestamp, _settings.TimeZone);
                }
            }
        }

        var context = RuleContextAt(frame.Timestamp);
        for (var d = 0; d < devices.Count; d++)
        {
            Evaluate(Find(devices[d].DeviceId)!, in context);
        }

        return outcome;
    }

    /// <summary>
    /// Applies the retained <c>status</c> payload (<c>online</c> / <c>offline</c>, the gateway's will).
    /// Returns false, changing nothing, for any other payload.
    /// </summary>
    public bool ApplyStatus(ReadOnlySpan<byte> payload)
    {
        var text = System.Text.Encoding.UTF8.GetString(payload).Trim();
        var now = _time.GetUtcNow();
        if (text.Equals("online", StringComparison.OrdinalIgnoreCase))
        {
            Heard(now);
            return true;
        }

        if (text.Equals("offline", StringComparison.OrdinalIgnoreCase))
        {
            GoOffline(now, "will");
            return true;
        }

        return false;
    }

    /// <summary>Applies an event from the <c>events</c> topic: raises its alarm (a door opened in a maintenance window raises none).</summary>
    public bool ApplyEvent(PoleEvent poleEvent)
    {
        ArgumentNullException.ThrowIfNull(poleEvent);
        var type = AlarmTypes.ForEvent(poleEvent.Type);
        if (type is null)
        {
            return false;
        }

        Heard(_time.GetUtcNow());
        if (type == AlarmTypes.DoorOpen && InMaintenance(poleEvent.Timestamp))
        {
            return true;
        }

        Raise(poleEvent.Device, type, poleEvent.Timestamp, poleEvent.Detail is { Length: > 0 } detail ? $"{poleEvent.Type}: {detail}" : poleEvent.Type);
        return true;
    }

    /// <summary>Runs what is due at the provider's now: staleness, command deadlines, maintenance window ends, the next night's config.</summary>
    public void OnTimer()
    {
        var now = _time.GetUtcNow();
        if (Status == PoleStatus.Online && LastHeard is { } heard && now >= heard + OfflineAfter)
        {
            GoOffline(now, "silence");
        }

        foreach (var expired in _commands.Expire(now))
        {
            Emit(new CommandProgressed(City, Pole, now, expired));
        }

        if (_maintenance is not null)
        {
            _maintenance.RemoveAll(w => w.To <= now);
            if (_maintenance.Count == 0)
            {
                _maintenance = null;
            }

            // A door left open when the window closes becomes an alarm now.
            var context = RuleContextAt(now);
            foreach (var device in _devices)
            {
                if (device.Kind == DeviceKind.Cabinet)
                {
                    Evaluate(device, in context);
                }
            }
        }

        if (Status != PoleStatus.Unknown)
        {
            AnnounceConfigIfChanged(now);
        }
    }

    /// <summary>Adds a maintenance window: an open cabinet door raises no alarm inside it.</summary>
    public void AddMaintenanceWindow(MaintenanceWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        (_maintenance ??= []).Add(window);
        var context = RuleContextAt(_time.GetUtcNow());
        foreach (var device in _devices)
        {
            if (device.Kind == DeviceKind.Cabinet)
            {
                Evaluate(device, in context);
            }
        }
    }

    /// <summary>Maintenance windows not yet over.</summary>
    public IReadOnlyList<MaintenanceWindow> MaintenanceWindows => (IReadOnlyList<MaintenanceWindow>?)_maintenance ?? [];

    /// <summary>An operator takes on an open alarm. False when no open, unacknowledged alarm has that id.</summary>
    public bool AcknowledgeAlarm(string alarmId)
    {
        var now = _time.GetUtcNow();
        var alarm = _alarms.Acknowledge(alarmId, now);
        if (alarm is null)
        {
            return false;
        }

        Emit(new AlarmAcknowledged(City, Pole, now, alarm));
        return true;
    }

    /// <summary>An operator clears an open alarm (the only way to clear SOS, impact and camera-tamper). False when none is open with that id.</summary>
    public bool ClearAlarm(string alarmId)
    {
        var now = _time.GetUtcNow();
        var cleared = _alarms.ClearById(alarmId, now);
        if (cleared is null)
        {
            return false;
        }

        OnCleared(cleared, now);
        return true;
    }

    /// <summary>
    /// Takes in a command under <paramref name="commandId"/> (or a new id) with the city's timeout.
    /// Publish <see cref="CommandRequest.ToUtf8"/> on <c>cmd/{id}</c>, then call <see cref="MarkCommandSent"/>.
    /// </summary>
    public CommandRecord AcceptCommand(CommandRequest request, string? commandId = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = commandId ?? Guid.NewGuid().ToString("N");
        if (id.Length == 0 || id.AsSpan().IndexOfAny("/+#") >= 0)
        {
            throw new ArgumentException("a command id must be a non-empty topic level (no '/', '+' or '#')", nameof(commandId));
        }

        var now = _time.GetUtcNow();
        var record = _commands.Accept(id, request, now, _settings.Thresholds.CommandTimeout);
        Emit(new CommandProgressed(City, Pole, now, record));
        return record;
    }

    /// <summary>The command was published. Null when the id is unknown or the command already ended.</summary>
    public CommandRecord? MarkCommandSent(string commandId) =>
        Progress(commandId, (c, now) => c.Status == CommandStatus.Accepted ? c with { Status = CommandStatus.Sent, SentAt = now } : c);

    /// <summary>The command could not be published. Null when the id is unknown or the command already ended.</summary>
    public CommandRecord? MarkCommandFailed(string commandId, string reason) =>
        Progress(commandId, (c, now) => c with { Status = CommandStatus.Failed, CompletedAt = now, Detail = reason });

    /// <summary>
    /// Applies the pole's answer on <c>cmd/{id}/ack</c>. An unreadable answer fails the command
    /// with the reason. Null when the id is unknown or the command already ended (a late ack after a timeout).
    /// </summary>
    public CommandRecord? ApplyCommandAck(string commandId, ReadOnlySpan<byte> payload)
    {
        var decoded = CommandAckDecoder.TryDecode(payload, out var ok, out var detail, out var error);
        return Progress(commandId, (c, now) => c with
        {
            Status = decoded && ok ? CommandStatus.Acked : CommandStatus.Failed,
            CompletedAt = now,
            Detail = decoded ? detail : $"unreadable ack: {error}",
        });
    }

    /// <summary>Sets a lighting calendar for this pole alone (null: follow the city); announces a changed config.</summary>
    public void SetLightingOverride(LightingCalendar? calendar)
    {
        _lightingOverride = calendar;
        if (Status != PoleStatus.Unknown)
        {
            AnnounceConfigIfChanged(_time.GetUtcNow());
        }
    }

    /// <summary>The desired lamp level at <paramref name="at"/>; null without a calendar or without the pole's coordinates.</summary>
    public LightingDecision? DesiredLighting(DateTimeOffset at)
    {
        if (!CanPlanLighting)
        {
            return null;
        }

        var plan = PlanFor(LightingCalendar.NightOf(at, _settings.TimeZone));
        var (level, since) = plan.LevelAt(at);
        return new LightingDecision(level, plan.Program, since, plan.UsedFallback, plan.Note);
    }

    /// <summary>The config the pole should run for the night containing <paramref name="at"/>; null without a calendar or coordinates.</summary>
    public DesiredConfig? DesiredConfigAt(DateTimeOffset at)
    {
        if (!CanPlanLighting)
        {
            return null;
        }

        var plan = PlanFor(LightingCalendar.NightOf(at, _settings.TimeZone));
        return new DesiredConfig(
            (int)Math.Round(_settings.ReportingInterval.TotalSeconds),
            LightingConfig.From(plan, _settings.TimeZone),
            _settings.Thresholds,
            plan.Night,
            plan.Program);
    }

    /// <summary>kWh used by <paramref name="deviceId"/> on local <paramref name="day"/> (0 when not metered).</summary>
    public double EnergyKWh(string deviceId, DateOnly day) => _energy.KWh(deviceId, day);

    /// <summary>
    /// A lamp's energy on <paramref name="day"/> against burning at rated power (registry, else the
    /// city's default) through that day's hours of darkness. Null without the pole's coordinates.
    /// </summary>
    public EnergySavings? Savings(string deviceId, DateOnly day)
    {
        if (_settings.Pole is not { } pole)
        {
            return null;
        }

        var rated = RatedPowerW(deviceId);
        if (rated <= 0)
        {
            rated = _settings.Thresholds.DefaultLampRatedW;
        }

        var zone = _settings.TimeZone;
        var sun = SolarCalculator.Compute(day, pole.Latitude, pole.Longitude, zone);
        var midnight = LightingCalendarMidnight(day, zone);
        var nextMidnight = LightingCalendarMidnight(day.AddDays(1), zone);
        var darkHours = sun.Kind switch
        {
            SolarDayKind.PolarNight => (nextMidnight - midnight).TotalHours,
            SolarDayKind.PolarDay => 0,
            _ => (sun.Sunrise!.Value - midnight).TotalHours + (nextMidnight - sun.Sunset!.Value).TotalHours,
        };
        var baseline = rated * darkHours / 1000;
        var actual = _energy.KWh(deviceId, day);
        var saved = baseline - actual;
        return new EnergySavings(deviceId, day, baseline, actual, saved, baseline > 0 ? saved / baseline * 100 : 0);
    }

    /// <summary>The latest reading of <paramref name="metric"/> on <paramref name="deviceId"/>, if any.</summary>
    public MetricReading? Latest(string deviceId, string metric) =>
        Find(deviceId) is { } device && device.TryGet(metric, out var value) ? new MetricReading(value, device.Timestamp) : null;

    /// <summary>An immutable copy of the twin's live state.</summary>
    public PoleSnapshot ToSnapshot()
    {
        // Built about once per frame for the live feed: exact-size arrays and one compact metrics
        // view per device instead of LINQ, a dictionary and a boxed value per metric.
        var devices = new DeviceSnapshot[_devices.Length];
        for (var i = 0; i < devices.Length; i++)
        {
            var d = _devices[i];
            devices[i] = new DeviceSnapshot(d.Id, MetricCatalog.WireName(d.Kind), d.Timestamp, new SlotMetrics<object>(d, SnapshotValue));
        }

        return new(City, Pole, LastSeen, LastSeq, Frames, LostFrames, Duplicates, devices, Status, Epoch, Copy(_alarms.Open));
    }

    /// <summary>Everything needed to restore the twin after a restart.</summary>
    public PoleTwinState ToState()
    {
        var devices = new DeviceState[_devices.Length];
        for (var i = 0; i < devices.Length; i++)
        {
            var d = _devices[i];
            devices[i] = new DeviceState(d.Id, d.Kind, d.Timestamp, new SlotMetrics<double>(d, StateValue));
        }

        return new(
            City,
            Pole,
            LastSeq,
            LastSeen,
            Frames,
            LostFrames,
            Duplicates,
            Epoch,
            Status,
            StatusSince,
            LastHeard,
            devices,
            Copy(_alarms.Open),
            Copy(_alarms.History),
            _alarms.NextId,
            Copy(_incidents.Open),
            Copy(_incidents.Closed),
            _incidents.NextId,
            Copy(_commands.All),
            _energy.ToState(),
            Copy(MaintenanceWindows),
            _lightingOverride,
            _configHash);
    }

    private static readonly object True = true;
    private static readonly object False = false;

    // Lambdas without captures are cached by the compiler: one delegate each for every snapshot.
    private static readonly Func<MetricValue, object> SnapshotValue = static value => value.Type switch
    {
        MetricType.Boolean => value.AsBoolean() ? True : False,
        _ => value.ToObject(),
    };

    private static readonly Func<MetricValue, double> StateValue = static value => value.AsDouble();

    // An empty list stays the shared empty array instead of a fresh wrapper per copy.
    private static T[] Copy<T>(IReadOnlyList<T> list)
    {
        if (list.Count == 0)
        {
            return [];
        }

        var copy = new T[list.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = list[i];
        }

        return copy;
    }

    /// <summary>
    /// A twin in the state <paramref name="state"/> was saved in. The staleness clock restarts at
    /// the provider's now for a pole that was online (the platform, not the pole, was away), and
    /// the config is announced again on first contact.
    /// </summary>
    public static PoleTwin Restore(PoleTwinState state, PoleTwinSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(state);
        var twin = new PoleTwin(state.City, state.Pole, settings, time)
        {
            LastSeq = state.LastSeq,
            LastSeen = state.LastSeen,
            Frames = state.Frames,
            LostFrames = state.LostFrames,
            Duplicates = state.Duplicates,
            Epoch = state.Epoch,
            Status = state.Status,
            StatusSince = state.StatusSince,
            LastHeard = state.Status == PoleStatus.Online ? time.GetUtcNow() : state.LastHeard,
        };
        foreach (var device in state.Devices)
        {
            var slot = twin.Slot(device.Id, device.Kind);
            slot.TimestampTicks = device.Timestamp.UtcTicks;
            foreach (var (name, value) in device.Metrics)
            {
                slot.Set(name, value);
            }
        }

        twin._alarms.Restore(state.OpenAlarms, state.AlarmHistory);
        twin._alarms.NextId = state.NextAlarmId;
        twin._incidents.Restore(state.OpenIncidents, state.ClosedIncidents);
        twin._incidents.NextId = state.NextIncidentId;
        twin._commands.Restore(state.Commands);
        twin._energy.Restore(state.Energy);
        twin._maintenance = state.MaintenanceWindows.Count > 0 ? [.. state.MaintenanceWindows] : null;
        twin._lightingOverride = state.LightingOverride;
        twin._configHash = state.ConfigHash;
        return twin;
    }

    private CommandRecord? Progress(string commandId, Func<CommandRecord, DateTimeOffset, CommandRecord> change)
    {
        var now = _time.GetUtcNow();
        var record = _commands.Update(commandId, c => change(c, now));
        if (record is not null)
        {
            Emit(new CommandProgressed(City, Pole, now, record));
        }

        return record;
    }

    private void Heard(DateTimeOffset now)
    {
        LastHeard = now;
        if (Status != PoleStatus.Online)
        {
            Status = PoleStatus.Online;
            StatusSince = now;
            Emit(new PoleCameOnline(City, Pole, now));
            Clear(AlarmTypes.PoleDevice, AlarmTypes.PoleOffline, now);
        }

        if (!_configAnnounced)
        {
            AnnounceConfigIfChanged(now, force: true);
        }
    }

    private void GoOffline(DateTimeOffset now, string reason)
    {
        if (Status == PoleStatus.Offline)
        {
            return;
        }

        Status = PoleStatus.Offline;
        StatusSince = now;
        Emit(new PoleWentOffline(City, Pole, now, reason));
        var detail = reason == "will"
            ? "the gateway's will announced offline"
            : string.Create(CultureInfo.InvariantCulture, $"nothing heard for {OfflineAfter.TotalSeconds:0} s");
        Raise(AlarmTypes.PoleDevice, AlarmTypes.PoleOffline, now, detail);
    }

    private void AnnounceConfigIfChanged(DateTimeOffset now, bool force = false)
    {
        if (DesiredConfigAt(now) is not { } config)
        {
            return;
        }

        var hash = Fnv1a(config.ToUtf8());
        if (force || hash != _configHash)
        {
            _configHash = hash;
            _configAnnounced = true;
            Emit(new DesiredConfigChanged(City, Pole, now, config));
        }
    }

    private void Evaluate(DeviceSlot device, in RuleContext context)
    {
        foreach (var rule in AlarmRules.For(device.Kind))
        {
            var outcome = rule.Check(device, in context);
            if (outcome == RuleOutcome.Alarm)
            {
                // A condition that persists frame after frame keeps its open alarm: no text built, nothing raised.
                if (_alarms.Find(device.Id, rule.AlarmType) is null)
                {
                    Raise(device.Id, rule.AlarmType, context.At, rule.Describe(device, in context));
                }
            }
            else if (outcome == RuleOutcome.Normal && !AlarmTypes.ClearedByOperatorOnly(rule.AlarmType))
            {
                Clear(device.Id, rule.AlarmType, context.At);
            }
        }
    }

    private void Raise(string device, string type, DateTimeOffset at, string detail)
    {
        var alarm = _alarms.Raise(Pole, device, type, at, detail);
        if (alarm is null)
        {
            return;
        }

        var (incident, opened) = _incidents.File(Pole, alarm, _settings.Thresholds.IncidentWindow);
        alarm = alarm with { IncidentId = incident.Id };
        _alarms.Replace(alarm);
        Emit(new AlarmRaised(City, Pole, at, alarm));
        Emit(opened ? new IncidentOpened(City, Pole, at, incident) : new IncidentUpdated(City, Pole, at, incident));
    }

    private void Clear(string device, string type, DateTimeOffset at)
    {
        if (_alarms.Clear(device, type, at) is { } cleared)
        {
            OnCleared(cleared, at);
        }
    }

    private void OnCleared(Alarm cleared, DateTimeOffset at)
    {
        Emit(new AlarmCleared(City, Pole, at, cleared));
        if (_incidents.OnCleared(cleared, _alarms.Open, at) is { } closed)
        {
            Emit(new IncidentClosed(City, Pole, at, closed));
        }
    }

    private RuleContext RuleContextAt(DateTimeOffset at) => new()
    {
        At = at,
        Thresholds = _settings.Thresholds,
        TimeZone = _settings.TimeZone,
        InMaintenance = InMaintenance(at),
        Pole = this,
    };

    double? IRuleSubject.ScheduledDimAt(DateTimeOffset at) =>
        CanPlanLighting ? PlanFor(LightingCalendar.NightOf(at, _settings.TimeZone)).LevelAt(at).DimPct : null;

    // Loops rather than LINQ with lambdas: these run for every frame, and a lambda capturing a
    // parameter costs a closure allocation on every call, even when the lambda never runs.
    private bool InMaintenance(DateTimeOffset at)
    {
        if (_maintenance is { } windows)
        {
            foreach (var window in windows)
            {
                if (window.Contains(at))
                {
                    return true;
                }
            }
        }

        return false;
    }

    double IRuleSubject.RatedPowerW(string deviceId) => RatedPowerW(deviceId);

    private double RatedPowerW(string deviceId)
    {
        if (_settings.Pole is { } pole)
        {
            var devices = pole.Devices;
            for (var i = 0; i < devices.Count; i++)
            {
                if (devices[i].Id == deviceId)
                {
                    return devices[i].RatedPowerW;
                }
            }
        }

        return 0;
    }

    // Plans are shared between nearby poles of one calendar (see SharedPlans): no per-pole copy.
    private LightingPlan PlanFor(DateOnly night)
    {
        var pole = _settings.Pole!;
        return SharedPlans.Get(Lighting!, night, pole.Latitude, pole.Longitude, _settings.TimeZone);
    }

    private static DateTimeOffset LightingCalendarMidnight(DateOnly day, TimeZoneInfo zone)
    {
        var local = new DateTime(day, TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private DeviceSlot? Find(string deviceId)
    {
        foreach (var device in _devices)
        {
            if (device.Id == deviceId)
            {
                return device;
            }
        }

        return null;
    }

    private DeviceSlot Slot(string deviceId, DeviceKind kind)
    {
        if (Find(deviceId) is { } existing)
        {
            existing.Reset(kind);
            return existing;
        }

        // Kept sorted by id so snapshots list devices in a stable order without sorting.
        var slot = new DeviceSlot(deviceId, kind);
        var index = 0;
        while (index < _devices.Length && string.CompareOrdinal(_devices[index].Id, deviceId) < 0)
        {
            index++;
        }

        _devices = [.. _devices[..index], slot, .. _devices[index..]];
        return slot;
    }

    private void Emit(TwinEvent twinEvent) => (_events ??= []).Add(twinEvent);

    private SeqOutcome Classify(TelemetryFrame frame)
    {
        if (LastSeq < 0 || frame.Seq > LastSeq)
        {
            return SeqOutcome.Accepted;
        }

        // A lower or equal seq is a repeat, unless the pole's clock moved on: then its gateway restarted.
        return LastSeen is { } seen && frame.Timestamp > seen ? SeqOutcome.NewEpoch : SeqOutcome.Duplicate;
    }

    private static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}
