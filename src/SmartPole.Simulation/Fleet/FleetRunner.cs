using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Telemetry;
using SmartPole.Domain.Wire;
using SmartPole.Mqtt;
using SmartPole.Simulation.Fleet;

namespace SmartPole.Simulation;

/// <summary>
/// Runs simulated poles against a broker like real pole gateways: one MQTT connection per pole (or
/// per group of poles in district-gateway mode), a retained <c>online</c> status with an
/// <c>offline</c> will, a frame per pole every interval (staggered across the interval), commands
/// applied and acked, the retained <c>config</c> (interval, lighting schedule) applied. Everything is asynchronous: thousands of poles need no thread each.
/// </summary>
public sealed partial class FleetRunner
{
    private static readonly byte[] Online = "online"u8.ToArray();
    private static readonly byte[] Offline = "offline"u8.ToArray();

    private readonly CityInfo _city;
    private readonly FleetOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly PoleModel[] _models;
    private SimulationClock _clock;
    private long _sent;
    private long _acked;
    private long _errors;
    private long _lines;
    private long _points;
    private long _commands;
    private long _commandsFailed;
    private long _faults;
    private long _events;
    private long _badJson;
    private long _unknownKind;
    private long _wrongType;
    private long _reconnects;
    private GatewayLink?[] _links = [];
    private CancellationToken _drain;
    private int _connections;
    private int _connectFailures;
    private long _startTimestamp;
    private long _endTimestamp;
    private int _started;

    /// <summary>Prepares the models of every pole of <paramref name="city"/>; nothing connects before <see cref="RunAsync"/>.</summary>
    /// <param name="city">The city and the poles to simulate (its time zone drives the models).</param>
    /// <param name="options">How to run; validated here.</param>
    /// <param name="loggerFactory">Logging for the runner and its MQTT clients; none by default.</param>
    /// <param name="timeProvider">The real clock; <see cref="TimeProvider.System"/> by default.</param>
    public FleetRunner(CityInfo city, FleetOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(city);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _city = city;
        _options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<FleetRunner>();
        _time = timeProvider ?? TimeProvider.System;
        var timeZone = TimeZoneInfo.FindSystemTimeZoneById(city.TimeZone);
        _models = [.. city.Poles.Select(p => new PoleModel(city.Id, p, timeZone, options.Seed))];
        _clock = new SimulationClock(_time, options.ClockSpeed, options.SimulatedStart);
    }

    /// <summary>The models of the poles this runner drives, in the city's order.</summary>
    public IReadOnlyList<PoleModel> Poles => _models;

    /// <summary>How many MQTT connections the run opens.</summary>
    public int ConnectionCount => (_models.Length + _options.PolesPerConnection - 1) / _options.PolesPerConnection;

    /// <summary>
    /// Connects, publishes until <see cref="FleetOptions.Duration"/> passes or
    /// <paramref name="cancellationToken"/> fires, waits for outstanding QoS 1 acks (at most
    /// <see cref="FleetOptions.AckTimeout"/>), marks every pole offline and disconnects. A runner runs once.
    /// </summary>
    public async Task<FleetSummary> RunAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("A FleetRunner runs once; create another for a new run.");
        }

        _clock = new SimulationClock(_time, _options.ClockSpeed, _options.SimulatedStart);
        Volatile.Write(ref _startTimestamp, _time.GetTimestamp());
        var start = _time.GetUtcNow();
        using var timeout = _options.Duration is { } duration ? new CancellationTokenSource(duration, _time) : new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);

        // Publishes already handed to the client keep going after the stop, until their acks or the ack timeout.
        using var drain = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        using var armDrain = stop.Token.Register(() => drain.CancelAfter(_options.AckTimeout));
        // A district gateway greets with a subscription pair and a status per pole: the gate counts poles, not sockets,
        // so a thousand-pole gateway does not starve other CONNACKs past their timeout.
        using var connectGate = new SemaphoreSlim(Math.Max(Math.Min(4, ConnectionCount), _options.MaxConcurrentConnects / _options.PolesPerConnection));
        _links = new GatewayLink?[ConnectionCount];
        // Written before any link is published (Volatile.Write below), so InjectFaultAsync sees it.
        _drain = drain.Token;
        var run = new RunContext(start, connectGate, _options.Rate is { } rate ? new RateGate(rate, _time) : null, stop.Token, drain.Token);

        LogStarting(_logger, _models.Length, ConnectionCount, _options.Broker, _options.Interval, _options.Qos);
        var connections = _models.Chunk(_options.PolesPerConnection).Select((poles, index) => RunConnectionAsync(index, poles, run));
        await Task.WhenAll(connections).ConfigureAwait(false);
        Array.Clear(_links);
        Volatile.Write(ref _endTimestamp, _time.GetTimestamp());
        var summary = Snapshot();
        LogFinished(_logger, summary.FramesSent, summary.FramesAcked, summary.Errors, summary.ElapsedSeconds);
        return summary;
    }

    /// <summary>The counts so far (safe to call from any thread while the run goes on).</summary>
    public FleetSummary Snapshot()
    {
        var start = Volatile.Read(ref _startTimestamp);
        var end = Volatile.Read(ref _endTimestamp);
        var elapsed = start == 0 ? 0 : _time.GetElapsedTime(start, end == 0 ? _time.GetTimestamp() : end).TotalSeconds;
        return new FleetSummary(
            Interlocked.Read(ref _sent),
            Interlocked.Read(ref _acked),
            Interlocked.Read(ref _errors),
            Interlocked.Read(ref _lines),
            Interlocked.Read(ref _points),
            Volatile.Read(ref _connections),
            Volatile.Read(ref _connectFailures),
            Interlocked.Read(ref _commands),
            Math.Round(elapsed, 3),
            Interlocked.Read(ref _commandsFailed),
            Interlocked.Read(ref _faults),
            Interlocked.Read(ref _events),
            Interlocked.Read(ref _badJson),
            Interlocked.Read(ref _unknownKind),
            Interlocked.Read(ref _wrongType),
            Interlocked.Read(ref _reconnects) + LiveReconnects());
    }

    /// <summary>
    /// Starts <paramref name="kind"/> on pole <paramref name="poleId"/> now, for <paramref name="duration"/>
    /// of simulated time (default <see cref="FleetOptions.FaultDuration"/>), and completes once its effect
    /// is on the wire: the event acknowledged by the broker (device faults with one), the malformed
    /// payload sent, or the gateway's socket closed (<see cref="FaultKind.GatewayDrop"/>: every pole on
    /// that connection drops). Device faults without an event show in the pole's next frames.
    /// </summary>
    /// <exception cref="ArgumentException">No such pole, or it lacks the device the fault needs.</exception>
    /// <exception cref="InvalidOperationException">The pole's connection is not established (the run has not started, or it failed).</exception>
    public async Task InjectFaultAsync(string poleId, FaultKind kind, TimeSpan? duration = null)
    {
        ArgumentNullException.ThrowIfNull(poleId);
        var index = Array.FindIndex(_models, m => m.Pole.Id == poleId);
        if (index < 0)
        {
            throw new ArgumentException($"The fleet has no pole '{poleId}'.", nameof(poleId));
        }

        var pole = _models[index];
        if (!pole.CanSuffer(kind))
        {
            throw new ArgumentException($"Pole '{poleId}' has no device that can suffer {FaultKinds.Name(kind)}.", nameof(kind));
        }

        var link = Volatile.Read(ref _links[index / _options.PolesPerConnection])
                   ?? throw new InvalidOperationException($"Pole '{poleId}' is not connected: faults are injected while the run goes on.");
        await StartFaultAsync(link, pole, kind, duration ?? _options.FaultDuration, _drain).ConfigureAwait(false);
    }

    private async Task StartFaultAsync(GatewayLink link, PoleModel pole, FaultKind kind, TimeSpan duration, CancellationToken drain)
    {
        Interlocked.Increment(ref _faults);
        LogFault(_logger, pole.Pole.Id, kind, duration);
        switch (kind)
        {
            case FaultKind.GatewayDrop:
                await link.DropAsync(duration / _options.ClockSpeed).ConfigureAwait(false);
                return;
            case FaultKind.BadJson or FaultKind.UnknownKind or FaultKind.WrongType:
                await PublishMalformedAsync(link, pole, kind, drain).ConfigureAwait(false);
                return;
        }

        var stamp = _time.GetUtcNow();
        if (pole.InjectFault(kind, _clock.ToSimulated(stamp), duration, stamp) is not { } poleEvent)
        {
            return;
        }

        try
        {
            await link.PublishAsync(new MqttApplicationMessage(EventsTopic(pole), poleEvent.ToUtf8(), MqttQualityOfService.AtLeastOnce), drain).ConfigureAwait(false);
            Interlocked.Increment(ref _events);
        }
#pragma warning disable CA1031 // An event that cannot be sent is counted; the fault still shows in the frames.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _errors);
            LogPublishFailed(_logger, pole.Pole.Id, pole.Seq, e.Message);
        }
    }

    // Links still running count their reconnects live; a finished link adds its count to _reconnects.
    private long LiveReconnects()
    {
        var total = 0L;
        foreach (var link in _links)
        {
            total += link?.Reconnects ?? 0;
        }

        return total;
    }

    private async Task RunConnectionAsync(int index, PoleModel[] poles, RunContext run)
    {
        var first = poles[0].Pole.Id;
        var clientId = poles.Length == 1 ? $"sim-{_city.Id}-{first}" : $"sim-{_city.Id}-gw-{index + 1:00000}";
        var byId = poles.ToDictionary(p => p.Pole.Id, StringComparer.Ordinal);
        List<string> subscriptions = _options.HandleCommands
            ? [.. poles.SelectMany(p => new[] { $"sp/{_city.Id}/{p.Pole.Id}/cmd/#", PoleTopic.Config(_city.Id, p.Pole.Id) })]
            : [];
        GatewayLink? self = null;
        var link = new GatewayLink(
            clientId,
            () => ClientOptions(clientId, first),
            message => _options.HandleCommands ? OnMessageAsync(self!, byId, message, run.Drain) : ValueTask.CompletedTask,
            subscriptions,
            [.. poles.Select(p => Status(p, Online))],
            _options,
            _loggerFactory,
            _time);
        self = link;
        await using (link.ConfigureAwait(false))
        {
            // Published before the greeting: a test that sees the poles' 'online' may inject faults at once.
            Volatile.Write(ref _links[index], link);
            if (!await ConnectAsync(link, run).ConfigureAwait(false))
            {
                Volatile.Write(ref _links[index], null);
                return;
            }

            var firstIndex = index * _options.PolesPerConnection;
            await Task.WhenAll(poles.Select((pole, i) => RunPoleAsync(link, pole, firstIndex + i, run))).ConfigureAwait(false);

            // A gateway that leaves cleanly says so for each of its poles: the will fires only when it vanishes.
            await link.CloseAsync([.. poles.Select(p => Status(p, Offline))], e => OperationFailed(clientId, e), run.Drain).ConfigureAwait(false);
            Volatile.Write(ref _links[index], null);
            Interlocked.Add(ref _reconnects, link.Reconnects);
        }
    }

    private async Task<bool> ConnectAsync(GatewayLink link, RunContext run)
    {
        try
        {
            await run.ConnectGate.WaitAsync(run.Stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        try
        {
            await link.ConnectAsync(e => OperationFailed(link.ClientId, e), run.Stop, run.Drain).ConfigureAwait(false);
            Interlocked.Increment(ref _connections);
            return true;
        }
        catch (OperationCanceledException) when (run.Stop.IsCancellationRequested)
        {
            return false;
        }
#pragma warning disable CA1031 // Any failure to connect (refused, DNS, auth) is counted and reported, never thrown at the fleet.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _errors);

            // With thousands of connections the first failure says it all; the rest go to debug.
            if (Interlocked.Increment(ref _connectFailures) == 1)
            {
                LogConnectFailed(_logger, link.ClientId, _options.Broker, e.Message);
            }
            else
            {
                LogConnectFailedAgain(_logger, link.ClientId, e.Message);
            }
            return false;
        }
        finally
        {
            run.ConnectGate.Release();
        }
    }

    private async Task RunPoleAsync(GatewayLink link, PoleModel pole, int poleIndex, RunContext run)
    {
        var topic = PoleTopic.Telemetry(_city.Id, pole.Pole.Id);
        // Stagger: pole k of n starts k/n of an interval after the start, so the fleet publishes evenly.
        var due = run.Start + (_options.Interval * ((double)poleIndex / Math.Max(1, _models.Length)));
        while (!run.Stop.IsCancellationRequested)
        {
            // The platform's retained config may change the interval at any time.
            var interval = pole.ReportingInterval ?? _options.Interval;
            try
            {
                var wait = due - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, run.Stop).ConfigureAwait(false);
                }

                if (run.Rate is not null)
                {
                    await run.Rate.WaitAsync(run.Stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var stamp = _time.GetUtcNow();
            var modelTime = _clock.ToSimulated(stamp);
            var fault = pole.DrawFault(_options.Faults, _options.FaultRate, modelTime);
            if (fault is { } drawn)
            {
                await StartFaultAsync(link, pole, drawn, _options.FaultDuration, run.Drain).ConfigureAwait(false);
            }

            // A malformed payload took this slot's frame (and its seq).
            if (fault is not (FaultKind.BadJson or FaultKind.UnknownKind or FaultKind.WrongType))
            {
                await PublishFrameAsync(link, pole, topic, pole.NextFrame(modelTime, stamp), run.Drain).ConfigureAwait(false);
            }

            if (interval == TimeSpan.Zero)
            {
                await Task.Yield();
                continue;
            }

            // A slot missed (slow ack, busy machine, broker away) is skipped rather than sent in a burst.
            due += interval;
            var now = _time.GetUtcNow();
            if (due < now)
            {
                due += interval * Math.Ceiling((now - due) / interval);
            }
        }
    }

    private async Task PublishFrameAsync(GatewayLink link, PoleModel pole, string topic, TelemetryFrame frame, CancellationToken drain)
    {
        var payload = TelemetryFrameEncoder.ToUtf8(frame);
        var points = 0;
        foreach (var device in frame.Devices)
        {
            points += device.Metrics.Count;
        }

        Interlocked.Increment(ref _sent);
        Interlocked.Add(ref _lines, frame.Devices.Count);
        Interlocked.Add(ref _points, points);
        try
        {
            await link.PublishAsync(new MqttApplicationMessage(topic, payload, _options.Qos), drain).ConfigureAwait(false);
            if (_options.Qos != MqttQualityOfService.AtMostOnce)
            {
                Interlocked.Increment(ref _acked);
            }
        }
#pragma warning disable CA1031 // A failed publish (connection lost at QoS 0, ack timed out) is counted; the pole goes on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _errors);
            LogPublishFailed(_logger, pole.Pole.Id, frame.Seq, e.Message);
        }
    }

    private async Task PublishMalformedAsync(GatewayLink link, PoleModel pole, FaultKind kind, CancellationToken drain)
    {
        var stamp = _time.GetUtcNow();
        var frame = pole.NextFrame(_clock.ToSimulated(stamp), stamp);
        var payload = MalformedPayload.Create(kind, frame);
        switch (kind)
        {
            case FaultKind.BadJson:
                Interlocked.Increment(ref _badJson);
                break;
            case FaultKind.UnknownKind:
                Interlocked.Increment(ref _unknownKind);
                break;
            default:
                Interlocked.Increment(ref _wrongType);
                break;
        }

        try
        {
            await link.PublishAsync(new MqttApplicationMessage(PoleTopic.Telemetry(_city.Id, pole.Pole.Id), payload, _options.Qos), drain).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Counted like a failed frame.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _errors);
            LogPublishFailed(_logger, pole.Pole.Id, frame.Seq, e.Message);
        }
    }

    private ValueTask OnMessageAsync(GatewayLink link, Dictionary<string, PoleModel> poles, MqttApplicationMessage message, CancellationToken drain)
    {
        if (!PoleTopic.TryParse(message.Topic, out var topic, out _) || topic!.City != _city.Id || !poles.TryGetValue(topic.Pole, out var pole))
        {
            return ValueTask.CompletedTask;
        }

        if (topic.Kind == PoleTopicKind.Config)
        {
            // An empty retained message only clears the config on the broker; the pole keeps what it has.
            if (!message.Payload.IsEmpty)
            {
                var applied = pole.ApplyConfig(message.Payload.Span);
                LogConfig(_logger, topic.Pole, applied.Ok, applied.Detail);
            }

            return ValueTask.CompletedTask;
        }

        if (topic.Kind != PoleTopicKind.Command)
        {
            return ValueTask.CompletedTask;
        }

        // Not awaited: the client delivers messages on its receive loop, which must stay free to read this ack's PUBACK.
        _ = AnswerCommandAsync(link, pole, topic.CommandId!, message.Topic + "/ack", message.Payload.ToArray(), drain);
        return ValueTask.CompletedTask;
    }

    private async Task AnswerCommandAsync(GatewayLink link, PoleModel pole, string commandId, string ackTopic, byte[] payload, CancellationToken drain)
    {
        try
        {
            var (fail, delay) = AckPlan.Decide(_options.Seed, pole.Pole.Id, commandId, _options.AckFailureRate, _options.AckLatency);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _time, drain).ConfigureAwait(false);
            }

            var ack = fail ? CommandAck.Failed("simulated failure: the device did not carry out the command") : pole.ApplyCommand(payload, _clock.Now);
            LogCommand(_logger, pole.Pole.Id, commandId, ack.Ok, ack.Detail);
            await link.PublishAsync(new MqttApplicationMessage(ackTopic, ack.ToUtf8(), MqttQualityOfService.AtLeastOnce), drain).ConfigureAwait(false);
            Interlocked.Increment(ref _commands);
            if (!ack.Ok)
            {
                Interlocked.Increment(ref _commandsFailed);
            }
        }
#pragma warning disable CA1031 // An ack that cannot be sent is counted; the platform times the command out.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _errors);
            LogPublishFailed(_logger, ackTopic, 0, e.Message);
        }
    }

    private MqttApplicationMessage Status(PoleModel pole, byte[] status) =>
        new(PoleTopic.Status(_city.Id, pole.Pole.Id), status, MqttQualityOfService.AtLeastOnce, Retain: true);

    private string EventsTopic(PoleModel pole) => $"sp/{_city.Id}/{pole.Pole.Id}/events";

    private void OperationFailed(string clientId, Exception e)
    {
        Interlocked.Increment(ref _errors);
        LogOperationFailed(_logger, clientId, e.Message);
    }

    private MqttClientOptions ClientOptions(string clientId, string firstPole)
    {
        var credential = _options.Credentials.TryGetValue(firstPole, out var own)
            ? own
            : _options.Username is null ? null : new FleetCredential(_options.Username, _options.Password ?? "");
        var options = MqttClientOptions.FromUri(_options.Broker);
        options.ClientId = clientId;
        options.CleanSession = true;
        options.KeepAlive = _options.KeepAlive;
        if (credential is not null)
        {
            options.Username = credential.Username;
            options.Password = credential.Password;
        }

        // A gateway carries up to PolesPerConnection frames in flight at once.
        options.MaxInflight = Math.Max(options.MaxInflight, Math.Min(_options.PolesPerConnection, 65_000));

        // One connection has one will: in gateway mode it speaks for the first pole only (see the README).
        options.Will = new MqttApplicationMessage(PoleTopic.Status(_city.Id, firstPole), Offline, MqttQualityOfService.AtLeastOnce, Retain: true);
        return options;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulating {Poles} poles on {Connections} connections to {Broker}, a frame every {Interval} at QoS {Qos}")]
    private static partial void LogStarting(ILogger logger, int poles, int connections, Uri broker, TimeSpan interval, MqttQualityOfService qos);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fleet finished: {Sent} frames sent, {Acked} acked, {Errors} errors in {Seconds} s")]
    private static partial void LogFinished(ILogger logger, long sent, long acked, long errors, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ClientId} to {Broker} failed: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string clientId, Uri broker, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ClientId} failed too: {Reason}")]
    private static partial void LogConnectFailedAgain(ILogger logger, string clientId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Publish for {Pole} (seq {Seq}) failed: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string pole, long seq, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ClientId}: {Reason}")]
    private static partial void LogOperationFailed(ILogger logger, string clientId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} for {Pole}: ok={Ok} {Detail}")]
    private static partial void LogCommand(ILogger logger, string pole, string commandId, bool ok, string? detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Fault {Fault} on {Pole} for {Duration} of simulated time")]
    private static partial void LogFault(ILogger logger, string pole, FaultKind fault, TimeSpan duration);

    [LoggerMessage(Level = LogLevel.Information, Message = "Config for {Pole}: ok={Ok} {Detail}")]
    private static partial void LogConfig(ILogger logger, string pole, bool ok, string? detail);

    private sealed record RunContext(DateTimeOffset Start, SemaphoreSlim ConnectGate, RateGate? Rate, CancellationToken Stop, CancellationToken Drain);
}
