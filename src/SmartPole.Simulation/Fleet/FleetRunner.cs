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
        using var connectGate = new SemaphoreSlim(_options.MaxConcurrentConnects);
        var run = new RunContext(start, connectGate, _options.Rate is { } rate ? new RateGate(rate, _time) : null, stop.Token, drain.Token);

        LogStarting(_logger, _models.Length, ConnectionCount, _options.Broker, _options.Interval, _options.Qos);
        var connections = _models.Chunk(_options.PolesPerConnection).Select((poles, index) => RunConnectionAsync(index, poles, run));
        await Task.WhenAll(connections).ConfigureAwait(false);
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
            Math.Round(elapsed, 3));
    }

    private async Task RunConnectionAsync(int index, PoleModel[] poles, RunContext run)
    {
        var first = poles[0].Pole.Id;
        var clientId = poles.Length == 1 ? $"sim-{_city.Id}-{first}" : $"sim-{_city.Id}-gw-{index + 1:00000}";
        var client = new MqttClient(ClientOptions(clientId, first), _loggerFactory.CreateLogger<MqttClient>(), _time);
        await using (client.ConfigureAwait(false))
        {
            if (!await ConnectAsync(client, clientId, run).ConfigureAwait(false))
            {
                return;
            }

            var byId = poles.ToDictionary(p => p.Pole.Id, StringComparer.Ordinal);
            if (_options.HandleCommands)
            {
                client.MessageReceivedAsync = message => OnMessageAsync(client, byId, message, run.Drain);
                foreach (var pole in poles)
                {
                    await TryAsync(client.SubscribeAsync($"sp/{_city.Id}/{pole.Pole.Id}/cmd/#", MqttQualityOfService.AtLeastOnce, run.Drain), clientId).ConfigureAwait(false);
                    await TryAsync(client.SubscribeAsync(PoleTopic.Config(_city.Id, pole.Pole.Id), MqttQualityOfService.AtLeastOnce, run.Drain), clientId).ConfigureAwait(false);
                }
            }

            foreach (var pole in poles)
            {
                await TryAsync(PublishStatusAsync(client, pole, Online, run.Drain), clientId).ConfigureAwait(false);
            }

            var firstIndex = index * _options.PolesPerConnection;
            await Task.WhenAll(poles.Select((pole, i) => RunPoleAsync(client, pole, firstIndex + i, run))).ConfigureAwait(false);

            // A gateway that leaves cleanly says so: the will fires only when it vanishes.
            foreach (var pole in poles)
            {
                await TryAsync(PublishStatusAsync(client, pole, Offline, run.Drain), clientId).ConfigureAwait(false);
            }

            await TryAsync(client.DisconnectAsync(run.Drain), clientId).ConfigureAwait(false);
        }
    }

    private async Task<bool> ConnectAsync(MqttClient client, string clientId, RunContext run)
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
            await client.ConnectAsync(run.Stop).ConfigureAwait(false);
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
                LogConnectFailed(_logger, clientId, _options.Broker, e.Message);
            }
            else
            {
                LogConnectFailedAgain(_logger, clientId, e.Message);
            }
            return false;
        }
        finally
        {
            run.ConnectGate.Release();
        }
    }

    private async Task RunPoleAsync(MqttClient client, PoleModel pole, int poleIndex, RunContext run)
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

            await PublishFrameAsync(client, pole, topic, run.Drain).ConfigureAwait(false);
            if (interval == TimeSpan.Zero)
            {
                await Task.Yield();
                continue;
            }

            // A slot missed (slow ack, busy machine) is skipped rather than sent in a burst.
            due += interval;
            var now = _time.GetUtcNow();
            if (due < now)
            {
                due += interval * Math.Ceiling((now - due) / interval);
            }
        }
    }

    private async Task PublishFrameAsync(MqttClient client, PoleModel pole, string topic, CancellationToken drain)
    {
        var stamp = _time.GetUtcNow();
        var frame = pole.NextFrame(_clock.ToSimulated(stamp), stamp);
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
            await client.PublishAsync(new MqttApplicationMessage(topic, payload, _options.Qos), drain).ConfigureAwait(false);
            if (_options.Qos != MqttQualityOfService.AtMostOnce)
            {
                Interlocked.Increment(ref _acked);
            }
        }
#pragma warning disable CA1031 // A failed publish (connection lost, ack timed out) is counted; the pole goes on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _errors);
            LogPublishFailed(_logger, pole.Pole.Id, frame.Seq, e.Message);
        }
    }

    private ValueTask OnMessageAsync(MqttClient client, Dictionary<string, PoleModel> poles, MqttApplicationMessage message, CancellationToken drain)
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

        var ack = pole.ApplyCommand(message.Payload.Span, _clock.Now);
        LogCommand(_logger, topic.Pole, topic.CommandId!, ack.Ok, ack.Detail);

        // Not awaited: the client delivers messages on its receive loop, which must stay free to read this ack's PUBACK.
        _ = SendAckAsync(client, message.Topic + "/ack", ack, drain);
        return ValueTask.CompletedTask;
    }

    private async Task SendAckAsync(MqttClient client, string topic, CommandAck ack, CancellationToken drain)
    {
        try
        {
            await client.PublishAsync(new MqttApplicationMessage(topic, ack.ToUtf8(), MqttQualityOfService.AtLeastOnce), drain).ConfigureAwait(false);
            Interlocked.Increment(ref _commands);
        }
#pragma warning disable CA1031 // An ack that cannot be sent is counted; the platform times the command out.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _errors);
            LogPublishFailed(_logger, topic, 0, e.Message);
        }
    }

    private Task PublishStatusAsync(MqttClient client, PoleModel pole, byte[] status, CancellationToken cancellationToken) =>
        client.PublishAsync(
            new MqttApplicationMessage(PoleTopic.Status(_city.Id, pole.Pole.Id), status, MqttQualityOfService.AtLeastOnce, Retain: true),
            cancellationToken);

    private async Task TryAsync(Task operation, string clientId)
    {
        try
        {
            await operation.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Status, subscribe and disconnect failures are counted; telemetry goes on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _errors);
            LogOperationFailed(_logger, clientId, e.Message);
        }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Config for {Pole}: ok={Ok} {Detail}")]
    private static partial void LogConfig(ILogger logger, string pole, bool ok, string? detail);

    private sealed record RunContext(DateTimeOffset Start, SemaphoreSlim ConnectGate, RateGate? Rate, CancellationToken Stop, CancellationToken Drain);
}
