using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SmartPole.Mqtt;

namespace SmartPole.Simulation.Fleet;

/// <summary>
/// One gateway's MQTT connection that survives the broker: when the connection drops it reconnects
/// with exponential backoff, subscribes again, republishes the poles' retained <c>online</c>, and
/// resends every QoS 1 publish that was not yet acknowledged. Publishers wait while it is down.
/// It can also drop itself without DISCONNECT (the gateway-drop fault), so the broker fires the will.
/// </summary>
internal sealed partial class GatewayLink : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly string _clientId;
    private readonly Func<MqttClientOptions> _clientOptions;
    private readonly Func<MqttApplicationMessage, ValueTask> _onMessage;
    private readonly IReadOnlyList<string> _subscriptions;
    private readonly IReadOnlyList<MqttApplicationMessage> _greeting;
    private readonly FleetOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly List<MqttClient> _retired = [];
    private MqttClient? _client;
    private int _generation;
    private TaskCompletionSource<(MqttClient Client, int Generation)> _ready = NewReady();
    private DateTimeOffset _downUntil;
    private CancellationToken _giveUp;
    private bool _closed;
    private int _reconnects;

    /// <param name="clientId">MQTT client id.</param>
    /// <param name="clientOptions">Builds the options of each new connection (credentials, will).</param>
    /// <param name="onMessage">Handles inbound messages (commands, config).</param>
    /// <param name="subscriptions">Filters subscribed at QoS 1 on every connection.</param>
    /// <param name="greeting">Published (awaited) on every connection before publishers go on: the retained <c>online</c> statuses.</param>
    public GatewayLink(
        string clientId,
        Func<MqttClientOptions> clientOptions,
        Func<MqttApplicationMessage, ValueTask> onMessage,
        IReadOnlyList<string> subscriptions,
        IReadOnlyList<MqttApplicationMessage> greeting,
        FleetOptions options,
        ILoggerFactory loggerFactory,
        TimeProvider time)
    {
        _clientId = clientId;
        _clientOptions = clientOptions;
        _onMessage = onMessage;
        _subscriptions = subscriptions;
        _greeting = greeting;
        _options = options;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<GatewayLink>();
        _time = time;
    }

    public string ClientId => _clientId;

    /// <summary>Connections made again after a drop.</summary>
    public int Reconnects => Volatile.Read(ref _reconnects);

    /// <summary>
    /// The first connection: throws when it fails (the run reports that as a connect failure rather
    /// than retrying for ever). Subscription and greeting failures are reported to <paramref name="onError"/>.
    /// Afterwards, reconnects give up when <paramref name="giveUp"/> fires.
    /// </summary>
    public async Task ConnectAsync(Action<Exception> onError, CancellationToken stop, CancellationToken giveUp)
    {
        _giveUp = giveUp;
        var client = NewClient();
        try
        {
            await client.ConnectAsync(stop).ConfigureAwait(false);
        }
        catch
        {
            await DisposeQuietlyAsync(client).ConfigureAwait(false);
            throw;
        }

        // The client is the link's from here, so a fault injected while it greets finds it; publishers wait for the greeting.
        lock (_gate)
        {
            _client = client;
            _generation = 1;
        }

        try
        {
            await GreetAsync(client, onError, giveUp).ConfigureAwait(false);
        }
        catch
        {
            bool dropped;
            lock (_gate)
            {
                // A gateway drop while greeting already started the reconnect loop: the link is up, merely down for now.
                dropped = _generation != 1;
                if (!dropped)
                {
                    _client = null;
                }
            }

            if (dropped)
            {
                return;
            }

            await DisposeQuietlyAsync(client).ConfigureAwait(false);
            throw;
        }

        lock (_gate)
        {
            // A drop that landed after the greeting but before this point already replaced the ready signal with the
            // reconnect's: handing publishers this dead client would leave them retrying it for ever.
            if (_generation == 1)
            {
                _ready.TrySetResult((client, 1));
            }
        }
    }

    /// <summary>
    /// Publishes through whatever connection is up. QoS 1 is retried on the next connection until
    /// acknowledged or <paramref name="cancellationToken"/> fires; QoS 0 waits for a connection and is sent once.
    /// </summary>
    public async Task PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (client, generation) = await _ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!client.IsConnected)
            {
                Lost(generation, null);
                continue;
            }

            try
            {
                await client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (IsConnectionLoss(e) && !cancellationToken.IsCancellationRequested)
            {
                Lost(generation, e.Message);
                if (message.Qos == MqttQualityOfService.AtMostOnce || Volatile.Read(ref _closed))
                {
                    throw;
                }
            }
        }
    }

    /// <summary>
    /// Closes the socket without DISCONNECT, as a power cut or a cable pulled would: the broker
    /// publishes the will. The link reconnects once <paramref name="downtime"/> has passed.
    /// </summary>
    public async Task DropAsync(TimeSpan downtime)
    {
        MqttClient? client;
        int generation;
        lock (_gate)
        {
            client = _client;
            generation = _generation;
            if (client is null || _closed)
            {
                return;
            }

            _downUntil = _time.GetUtcNow() + downtime;
        }

        Lost(generation, "gateway drop (fault)");
        try
        {
            await client.DropConnectionAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The socket broke on its own first: the broker sees the same vanished connection.
        }

        // A publish that reached the dropped client just as its socket closed may wait for a PUBACK that can never
        // come; disposing the client (its socket is already gone, so no DISCONNECT leaves) fails it, and the publish
        // is sent again on the next connection.
        lock (_gate)
        {
            _retired.Remove(client);
        }

        await DisposeQuietlyAsync(client).ConfigureAwait(false);
    }

    /// <summary>
    /// The clean end: publishes <paramref name="farewell"/> (the retained <c>offline</c> statuses) once
    /// connected, sends DISCONNECT, and stops reconnecting.
    /// </summary>
    public async Task CloseAsync(IReadOnlyList<MqttApplicationMessage> farewell, Action<Exception> onError, CancellationToken cancellationToken)
    {
        foreach (var message in farewell)
        {
            try
            {
                await PublishAsync(message, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A status that cannot be said is reported; the connection still closes.
            catch (Exception e)
#pragma warning restore CA1031
            {
                onError(e);
                break;
            }
        }

        MqttClient? client;
        lock (_gate)
        {
            _closed = true;
            client = _client;
        }

        if (client is not null)
        {
            try
            {
                await client.DisconnectAsync(cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Disconnect failures are reported; the socket is closed either way.
            catch (Exception e)
#pragma warning restore CA1031
            {
                onError(e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<MqttClient> clients;
        lock (_gate)
        {
            _closed = true;
            clients = [.. _retired];
            if (_client is not null)
            {
                clients.Add(_client);
            }

            _retired.Clear();
            _client = null;
            _ready.TrySetException(new ObjectDisposedException(nameof(GatewayLink)));
        }

        foreach (var client in clients)
        {
            await DisposeQuietlyAsync(client).ConfigureAwait(false);
        }
    }

    /// <summary>Disposes a client whose socket may already be broken: flushing its last bytes then fails, which changes nothing here.</summary>
    private static async Task DisposeQuietlyAsync(MqttClient client)
    {
        try
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private static TaskCompletionSource<(MqttClient, int)> NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static bool IsConnectionLoss(Exception e) =>
        e is IOException or SocketException or InvalidOperationException or ObjectDisposedException or OperationCanceledException;

    private MqttClient NewClient()
    {
        var client = new MqttClient(_clientOptions(), _loggerFactory.CreateLogger<MqttClient>(), _time);
        client.MessageReceivedAsync = _onMessage;
        return client;
    }

    /// <summary>
    /// Subscribes and says <c>online</c> on a fresh connection, before publishers may use it. Requests
    /// are pipelined: a district gateway of 1,000 poles would otherwise wait 3,000 round trips.
    /// </summary>
    private async Task GreetAsync(MqttClient client, Action<Exception> onError, CancellationToken cancellationToken)
    {
        async Task SubscribeAsync(string filter)
        {
            try
            {
                await client.SubscribeAsync(filter, MqttQualityOfService.AtLeastOnce, cancellationToken).ConfigureAwait(false);
            }
            catch (MqttRefusedException e)
            {
                onError(e);
            }
        }

        await Task.WhenAll(_subscriptions.Select(SubscribeAsync)).ConfigureAwait(false);
        await Task.WhenAll(_greeting.Select(message => client.PublishAsync(message, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Marks connection <paramref name="generation"/> lost; the first to notice starts the reconnect loop.</summary>
    private void Lost(int generation, string? reason)
    {
        lock (_gate)
        {
            if (generation != _generation || _closed || _client is null)
            {
                return;
            }

            _retired.Add(_client);
            _client = null;
            _generation++;
            _ready = NewReady();
        }

        LogLost(_logger, _clientId, reason ?? "the connection closed");
        _ = ReconnectAsync();
    }

    private async Task ReconnectAsync()
    {
        var delay = _options.ReconnectDelay;
        var wait = _downUntil - _time.GetUtcNow();
        try
        {
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, _giveUp).ConfigureAwait(false);
            }

            while (!Volatile.Read(ref _closed))
            {
                var client = NewClient();
                try
                {
                    await client.ConnectAsync(_giveUp).ConfigureAwait(false);
                    await GreetAsync(client, e => LogLost(_logger, _clientId, e.Message), _giveUp).ConfigureAwait(false);
                    lock (_gate)
                    {
                        _client = client;
                        Interlocked.Increment(ref _reconnects);
                        _ready.TrySetResult((client, _generation));
                    }

                    LogReconnected(_logger, _clientId);
                    return;
                }
                catch (OperationCanceledException)
                {
                    await DisposeQuietlyAsync(client).ConfigureAwait(false);
                    throw;
                }
                catch (Exception e) when (e is MqttConnectException or MqttRefusedException || IsConnectionLoss(e))
                {
                    await DisposeQuietlyAsync(client).ConfigureAwait(false);
                    LogRetry(_logger, _clientId, delay, e.Message);
                    await Task.Delay(delay, _time, _giveUp).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
                }
            }
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                _ready.TrySetException(new IOException($"{_clientId} gave up reconnecting to the broker"));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ClientId} lost: {Reason}; reconnecting")]
    private static partial void LogLost(ILogger logger, string clientId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ClientId} is back")]
    private static partial void LogReconnected(ILogger logger, string clientId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ClientId} could not reconnect, next try in {Delay}: {Reason}")]
    private static partial void LogRetry(ILogger logger, string clientId, TimeSpan delay, string reason);
}
