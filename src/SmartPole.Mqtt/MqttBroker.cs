using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SmartPole.Mqtt.Broker;
using SmartPole.Mqtt.Packets;
using SmartPole.Mqtt.Topics;
using SmartPole.Mqtt.Transport;

namespace SmartPole.Mqtt;

/// <summary>
/// An MQTT 3.1.1 / 5.0 broker: TCP listener (or connections handed in by a host), sessions,
/// QoS 0/1/2, retained messages, wildcards, shared subscriptions, wills and keep-alive.
/// Every connection is served asynchronously; none holds a thread while idle.
/// </summary>
public sealed class MqttBroker : IAsyncDisposable
{
    private readonly Lock _sessionsGate = new();
    private readonly Dictionary<string, BrokerSession> _sessions = new(StringComparer.Ordinal);
    private readonly SubscriptionTree _subscriptions = new();
    private readonly ConcurrentDictionary<string, RetainedMessage> _retained = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<BrokerConnection, TaskCompletionSource> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private BrokerPersistence? _persistence;
    private Task _acceptLoop = Task.CompletedTask;
    private Task? _stop;
    private int _connectedClients;
    private int _openConnections;
    private long _sharedRoundRobin;

    [ThreadStatic]
    private static List<BrokerSubscription>? t_matches;

    /// <summary>Creates a broker; nothing listens until <see cref="StartAsync"/>.</summary>
    public MqttBroker(MqttBrokerOptions options, ILogger<MqttBroker>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Log = (ILogger?)logger ?? NullLogger.Instance;
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The endpoint the listener is bound to (the real port when <see cref="MqttBrokerOptions.Port"/> was 0).</summary>
    public IPEndPoint LocalEndPoint =>
        (IPEndPoint?)_listener?.LocalEndPoint ?? throw new InvalidOperationException("The broker is not started.");

    /// <summary>Clients that completed CONNECT and are still connected.</summary>
    public int ConnectedClients => Volatile.Read(ref _connectedClients);

    /// <summary>
    /// Called for every PUBLISH a client sends, before the broker acknowledges it (PUBACK / PUBREC), on the
    /// client's connection (so one client's messages arrive in order). An exception is logged; the message is
    /// still routed and acknowledged. Null (default) = no hook.
    /// </summary>
    public Func<MqttInboundMessage, CancellationToken, ValueTask>? MessageReceivedAsync { get; set; }

    /// <summary>
    /// Decides whether a CONNECT is accepted. Null (default) = accept when <see cref="MqttBrokerOptions.AllowAnonymous"/>
    /// is on, refuse otherwise (there is nothing to check credentials against).
    /// </summary>
    public Func<MqttConnectContext, ValueTask<MqttConnectReasonCode>>? AuthenticateAsync { get; set; }

    /// <summary>
    /// Runs 5.0 enhanced authentication (§4.12) for a CONNECT that names an Authentication Method, one call per step,
    /// and for re-authentication (AUTH 0x19). A client that completes the exchange is authenticated by it:
    /// <see cref="AuthenticateAsync"/> is not asked. The hook refuses methods it does not know with
    /// <see cref="MqttConnectReasonCode.BadAuthenticationMethod"/>. Null (default) = no method is known (CONNACK 0x8C).
    /// </summary>
    public Func<MqttAuthenticationExchange, ValueTask<MqttAuthenticationResult>>? EnhancedAuthenticateAsync { get; set; }

    /// <summary>
    /// Decides whether a client may publish a message (also asked for the will topic at CONNECT). Refused:
    /// 5.0 clients get PUBACK/PUBREC 0x87, 3.1.1 clients an ordinary ack, and the message is dropped; a refused
    /// will refuses the connection. Null (default) = everything is allowed.
    /// </summary>
    public Func<MqttInboundMessage, ValueTask<bool>>? AuthorizePublishAsync { get; set; }

    /// <summary>Decides whether a client may subscribe to a filter; refused filters get a failure code in SUBACK. Null (default) = allowed.</summary>
    public Func<MqttSubscribeContext, ValueTask<bool>>? AuthorizeSubscribeAsync { get; set; }

    internal MqttBrokerOptions Options { get; }

    internal ILogger Log { get; }

    internal TimeProvider TimeProvider { get; }

    /// <summary>
    /// Binds the TCP listener and starts accepting. Throws <see cref="MqttBrokerStartException"/>
    /// naming the endpoint and the setting to change when the port is taken.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_listener is not null)
        {
            throw new InvalidOperationException("The broker is already started.");
        }

        if (Options.PersistencePath is { } path && _persistence is null)
        {
            // Loaded before the listener opens, so no client ever sees the broker without its state.
            _persistence = new BrokerPersistence(this, path);
            if (_persistence.Load() is { } snapshot)
            {
                RestoreState(snapshot);
            }
        }

        var address = ResolveHost(Options.Host);
        var endPoint = new IPEndPoint(address, Options.Port);
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (address.Equals(IPAddress.IPv6Any))
        {
            listener.DualMode = true;
        }

        try
        {
            listener.Bind(endPoint);
            listener.Listen(1024);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            var why = e.SocketErrorCode == SocketError.AddressAlreadyInUse ? "the port is already in use" : e.Message;
            throw new MqttBrokerStartException(
                $"The MQTT broker cannot listen on {endPoint}: {why}. Stop whatever uses it, or set Mqtt:Port to another port (0 = any free port).", e);
        }

        _listener = listener;
        _persistence?.Start(Options.PersistenceInterval);
        Log.Listening(LocalEndPoint.ToString());
        _acceptLoop = AcceptLoopAsync(listener);
        return Task.CompletedTask;
    }

    /// <summary>Publishes a message from the server itself to every matching subscriber (and the retained store when Retain is set).</summary>
    public ValueTask PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        MqttTopic.ValidateName(message.Topic);
        Route(message, sender: null);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Closes the live connection of <paramref name="clientId"/> (a 5.0 client is sent DISCONNECT with
    /// <paramref name="reason"/>, a 3.1.1 client is just closed), e.g. because its credential was revoked;
    /// returns once the connection has ended, false when the client had none. Its will is published as
    /// for any other server-side close; a persistent session is kept for its next (authenticated) login.
    /// </summary>
    public async Task<bool> DisconnectClientAsync(string clientId, MqttReasonCode reason = MqttReasonCode.AdministrativeAction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        BrokerConnection? connection;
        lock (_sessionsGate)
        {
            connection = _sessions.TryGetValue(clientId, out var session) ? session.Owner : null;
        }

        if (connection is null || !_connections.TryGetValue(connection, out var done))
        {
            return false;
        }

        connection.Close(reason);
        await done.Task.WaitAsync(cancellationToken);
        return true;
    }

    /// <summary>Whether a connection of <paramref name="clientId"/> is open now (its session has an owner).</summary>
    public bool IsClientConnected(string clientId)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        lock (_sessionsGate)
        {
            return _sessions.TryGetValue(clientId, out var session) && session.Owner is not null;
        }
    }

    /// <summary>
    /// Serves one connection that is already accepted (e.g. MQTT over WebSocket): returns when it closes.
    /// Completes both sides of <paramref name="transport"/>.
    /// </summary>
    public Task HandleConnectionAsync(IDuplexPipe transport, CancellationToken ct) => HandleConnectionAsync(transport, null, ct);

    /// <summary>
    /// Serves one MQTT-over-WebSocket connection the host has accepted (subprotocol "mqtt", binary frames):
    /// returns when it closes. The host owns <paramref name="webSocket"/> and disposes it afterwards.
    /// </summary>
    public async Task HandleWebSocketAsync(WebSocket webSocket, EndPoint? remoteEndPoint, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(webSocket);
        var transport = new WebSocketDuplexPipe(webSocket);
        var pumping = transport.RunAsync(ct);
        await HandleConnectionAsync(transport, remoteEndPoint, ct);
        await pumping;
    }

    /// <summary>Stops listening, tells every 5.0 client the server is shutting down, and closes all connections.</summary>
    /// <remarks>
    /// Safe to call more than once and from more than one place (a host's stop and a dispose may race): the
    /// first call stops the broker, every call waits for that one stop.
    /// </remarks>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        var stop = Volatile.Read(ref _stop);
        if (stop is null)
        {
            var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            stop = Interlocked.CompareExchange(ref _stop, mine.Task, null);
            if (stop is null)
            {
                _ = StopOnceAsync(mine);
                stop = mine.Task;
            }
        }

        return stop.WaitAsync(cancellationToken);
    }

    private async Task StopOnceAsync(TaskCompletionSource done)
    {
        try
        {
            var listener = Interlocked.Exchange(ref _listener, null);
            listener?.Dispose();
            foreach (var connection in _connections.Keys)
            {
                connection.Close(MqttReasonCode.ServerShuttingDown);
            }

            await _stopping.CancelAsync();
            await _acceptLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await Task.WhenAll(_connections.Values.Select(c => c.Task)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

            // Last, when every connection has detached: the sessions are all offline with their expiry running.
            _persistence?.Stop();

            // A stopped broker expires nothing and sends no delayed will (its subscription tree is about to go).
            lock (_sessionsGate)
            {
                foreach (var session in _sessions.Values)
                {
                    session.StopTimers();
                }
            }

            done.SetResult();
        }
        catch (Exception e)
        {
            done.SetException(e);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
        _subscriptions.Dispose();
        _persistence?.Dispose();
    }

    internal async Task HandleConnectionAsync(IDuplexPipe transport, EndPoint? remoteEndPoint, CancellationToken ct)
    {
        if (Interlocked.Increment(ref _openConnections) > Options.MaxConnections)
        {
            // Over the limit: hang up before reading anything, so a flood costs nothing more.
            Interlocked.Decrement(ref _openConnections);
            Log.ConnectionLimitReached(Options.MaxConnections);
            await transport.Input.CompleteAsync();
            await PipeCompletion.CompleteQuietlyAsync(transport.Output);
            return;
        }

        try
        {
            await ServeAsync(transport, remoteEndPoint, ct);
        }
        finally
        {
            Interlocked.Decrement(ref _openConnections);
        }
    }

    private async Task ServeAsync(IDuplexPipe transport, EndPoint? remoteEndPoint, CancellationToken ct)
    {
        // TCP connections come with no token of their own: the broker's stop token is enough, and a linked
        // source for each of 10,000 idle connections would cost memory for nothing.
        using var linked = ct.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(ct, _stopping.Token) : null;
        using var connection = new BrokerConnection(this, transport, remoteEndPoint, linked?.Token ?? _stopping.Token);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _connections.TryAdd(connection, done);
        try
        {
            await connection.RunAsync();
        }
        finally
        {
            _connections.TryRemove(connection, out _);
            done.TrySetResult();
        }
    }

    internal async ValueTask<MqttConnectReasonCode> AuthenticateConnectAsync(MqttConnectContext context)
    {
        var hook = AuthenticateAsync;
        if (hook is null)
        {
            return Options.AllowAnonymous ? MqttConnectReasonCode.Success
                : context.Username is null ? MqttConnectReasonCode.NotAuthorized : MqttConnectReasonCode.BadUserNameOrPassword;
        }

        try
        {
            return await hook(context);
        }
        catch (Exception e)
        {
            Log.AuthenticateFailed(e, context.ClientId);
            return MqttConnectReasonCode.UnspecifiedError;
        }
    }

    internal async ValueTask<MqttAuthenticationResult> AuthenticateStepAsync(MqttAuthenticationExchange exchange)
    {
        if (EnhancedAuthenticateAsync is not { } hook)
        {
            return MqttAuthenticationResult.Refuse(MqttConnectReasonCode.BadAuthenticationMethod);
        }

        try
        {
            return await hook(exchange);
        }
        catch (Exception e)
        {
            Log.AuthenticateFailed(e, exchange.ClientId);
            return MqttAuthenticationResult.Refuse(MqttConnectReasonCode.UnspecifiedError);
        }
    }

    internal ValueTask<bool> MayPublishAsync(MqttInboundMessage message) => AskAsync(AuthorizePublishAsync, message, message.ClientId);

    internal ValueTask<bool> MaySubscribeAsync(MqttSubscribeContext context) => AskAsync(AuthorizeSubscribeAsync, context, context.ClientId);

    internal async ValueTask OnMessageReceivedAsync(MqttInboundMessage inbound, CancellationToken cancellationToken)
    {
        var hook = MessageReceivedAsync;
        if (hook is null)
        {
            return;
        }

        var (clientId, message) = (inbound.ClientId, inbound.Message);
        try
        {
            await hook(inbound, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.HookFailed(e, clientId, message.Topic);
        }
    }

    /// <summary>Binds a connection to its session, taking over a live one with the same client id (§3.1.4-3).</summary>
    internal BrokerSession AttachSession(BrokerConnection connection, string clientId, ConnectPacket connect, uint expiryInterval, out bool sessionPresent)
    {
        lock (_sessionsGate)
        {
            if (_sessions.TryGetValue(clientId, out var existing))
            {
                if (existing.Owner is { } previous)
                {
                    Log.TakenOver(clientId);
                    existing.Owner = null;
                    Interlocked.Decrement(ref _connectedClients);
                    previous.Close(MqttReasonCode.SessionTakenOver);
                }

                if (connect.CleanSession)
                {
                    EndSessionLocked(existing);
                    existing = null;
                }
            }

            sessionPresent = existing is not null;
            var session = existing ?? new BrokerSession(clientId, this);
            _sessions[clientId] = session;
            session.Owner = connection;

            session.ExpiryInterval = expiryInterval;
            Interlocked.Increment(ref _connectedClients);
            StateChanged();
            return session;
        }
    }

    /// <summary>The connection ended: publish or schedule the will, and end or keep the session.</summary>
    internal void Detach(BrokerConnection connection, BrokerSession session, ConnectPacket? willFrom)
    {
        session.Disconnected(connection);
        bool takenOver;
        lock (_sessionsGate)
        {
            takenOver = session.Owner != connection;
            if (!takenOver)
            {
                session.Owner = null;
                Interlocked.Decrement(ref _connectedClients);
            }
        }

        if (willFrom?.WillTopic is not null)
        {
            var will = ToWillMessage(willFrom);
            var delay = willFrom.WillProperties?.WillDelayInterval ?? 0;
            if (delay == 0 || (takenOver && session.Ended))
            {
                PublishWill(session.ClientId, will);
            }
            else if (!takenOver)
            {
                session.ScheduleWill(will, TimeSpan.FromSeconds(delay));
            }
        }

        if (takenOver)
        {
            return;
        }

        if (session.ExpiryInterval == 0)
        {
            lock (_sessionsGate)
            {
                if (session.Owner is null)
                {
                    EndSessionLocked(session);
                }
            }
        }
        else if (session.ExpiryInterval != uint.MaxValue)
        {
            session.StartExpiry(TimeSpan.FromSeconds(session.ExpiryInterval), ExpireSession);
        }
    }

    internal bool Subscribe(BrokerSession session, BrokerSubscription subscription, out bool existed)
    {
        lock (_sessionsGate)
        {
            existed = session.Subscriptions.Remove(subscription.RequestedFilter, out var previous);
            if (previous is not null)
            {
                _subscriptions.Remove(previous);
            }
            else if (session.Subscriptions.Count >= Options.MaxSubscriptionsPerClient)
            {
                return false;
            }

            session.Subscriptions[subscription.RequestedFilter] = subscription;
            _subscriptions.Add(subscription);
            StateChanged();
            return true;
        }
    }

    internal bool Unsubscribe(BrokerSession session, string filter)
    {
        lock (_sessionsGate)
        {
            if (!session.Subscriptions.Remove(filter, out var subscription))
            {
                return false;
            }

            _subscriptions.Remove(subscription);
            StateChanged();
            return true;
        }
    }

    /// <summary>Sends the retained messages matching a new subscription, with the retain flag set (§3.3.1.3).</summary>
    internal void SendRetained(BrokerSubscription subscription)
    {
        var ids = subscription.SubscriptionId is { } id ? new[] { id } : null;
        foreach (var (topic, retained) in _retained)
        {
            if (!MqttTopic.Matches(subscription.Filter, topic))
            {
                continue;
            }

            var outgoing = new OutgoingMessage(retained.Message, Min(retained.Message.Qos, subscription.Qos), Retain: true, ids, retained.StoredAt);
            if (IsExpired(outgoing))
            {
                _retained.TryRemove(new KeyValuePair<string, RetainedMessage>(topic, retained));
                continue;
            }

            subscription.Session.Deliver(outgoing);
        }
    }

    /// <summary>Stores/clears the retained message and hands one copy to every matching session.</summary>
    internal void Route(MqttApplicationMessage message, BrokerSession? sender)
    {
        var now = TimeProvider.GetTimestamp();
        if (message.Retain)
        {
            // §3.3.1.3: an empty retained payload clears the topic's retained message.
            if (message.Payload.IsEmpty)
            {
                _retained.TryRemove(message.Topic, out _);
            }
            else
            {
                _retained[message.Topic] = new RetainedMessage(message, now);
            }

            StateChanged();
        }

        var matches = t_matches ??= [];
        matches.Clear();
        _subscriptions.Match(message.Topic, matches);
        try
        {
            if (matches.Count == 1)
            {
                var only = matches[0];
                if (!(only.NoLocal && only.Session == sender))
                {
                    only.Session.Deliver(new OutgoingMessage(message, Min(message.Qos, only.Qos), message.Retain && only.RetainAsPublished,
                        only.SubscriptionId is { } id ? [id] : null, now));
                }

                return;
            }

            if (matches.Count > 1)
            {
                RouteToMany(message, sender, matches, now);
            }
        }
        finally
        {
            matches.Clear();
        }
    }

    internal void PublishWill(string clientId, MqttApplicationMessage will) => Route(will, sender: null);

    /// <summary>
    /// The session expiry granted: 3.1.1 persistent sessions ask for "never", 5.0 clients say (§3.1.2.11.2);
    /// both are capped by <see cref="MqttBrokerOptions.MaxSessionExpiry"/>.
    /// </summary>
    internal uint GrantSessionExpiry(uint requested)
    {
        var max = Options.MaxSessionExpiry.TotalSeconds >= uint.MaxValue ? uint.MaxValue : (uint)Options.MaxSessionExpiry.TotalSeconds;
        return Math.Min(requested, max);
    }

    internal void MessageDropped(string clientId, string topic) => Log.MessageDropped(clientId, topic);

    /// <summary>Something a persistence snapshot holds has changed (no-op without <see cref="MqttBrokerOptions.PersistencePath"/>).</summary>
    internal void StateChanged() => _persistence?.MarkChanged();

    /// <summary>Retained messages and every session that outlives its connection, as a snapshot to write.</summary>
    internal BrokerSnapshot CaptureState()
    {
        var snapshot = new BrokerSnapshot();
        foreach (var (_, retained) in _retained)
        {
            snapshot.Retained.Add(new BrokerSnapshot.RetainedEntry(retained.Message, ToUtcTicks(retained.StoredAt)));
        }

        List<(BrokerSession Session, BrokerSubscription[] Subscriptions)> sessions;
        lock (_sessionsGate)
        {
            sessions = _sessions.Values.Where(s => s.ExpiryInterval > 0 && !s.Ended).Select(s => (s, s.Subscriptions.Values.ToArray())).ToList();
        }

        var nowTicks = TimeProvider.GetUtcNow().UtcTicks;
        foreach (var (session, subscriptions) in sessions)
        {
            var left = session.ExpiryLeftSeconds();
            var entry = new BrokerSnapshot.SessionEntry(session.ClientId, session.ExpiryInterval,
                left is { } seconds ? nowTicks + (long)(Math.Max(0, seconds) * TimeSpan.TicksPerSecond) : long.MaxValue);
            foreach (var subscription in subscriptions)
            {
                entry.Subscriptions.Add(new BrokerSnapshot.SubscriptionEntry(subscription.RequestedFilter, subscription.Qos, subscription.NoLocal,
                    subscription.RetainAsPublished, subscription.RetainHandling, subscription.SubscriptionId));
            }

            session.CaptureQueues(entry, m => new BrokerSnapshot.QueuedEntry(m.Message, m.Qos, m.Retain, m.SubscriptionIds, ToUtcTicks(m.QueuedAt)));
            snapshot.Sessions.Add(entry);
        }

        return snapshot;
    }

    /// <summary>Puts a loaded snapshot in place (at start, before anyone connects); expired sessions and messages are left out.</summary>
    private void RestoreState(BrokerSnapshot snapshot)
    {
        var nowTicks = TimeProvider.GetUtcNow().UtcTicks;
        foreach (var retained in snapshot.Retained)
        {
            var entry = new RetainedMessage(retained.Message, FromUtcTicks(retained.StoredAtUtcTicks));
            if (!IsExpired(new OutgoingMessage(entry.Message, entry.Message.Qos, true, null, entry.StoredAt)))
            {
                _retained[entry.Message.Topic] = entry;
            }
        }

        lock (_sessionsGate)
        {
            foreach (var saved in snapshot.Sessions)
            {
                if (saved.ExpiresAtUtcTicks <= nowTicks)
                {
                    continue;
                }

                var session = new BrokerSession(saved.ClientId, this) { ExpiryInterval = saved.ExpiryInterval };
                foreach (var s in saved.Subscriptions)
                {
                    var shared = MqttTopic.TryParseShared(s.Filter, out var group, out var inner);
                    var subscription = new BrokerSubscription(session, new MqttTopicFilter(s.Filter, s.Qos, s.NoLocal, s.RetainAsPublished, s.RetainHandling),
                        shared ? inner : s.Filter, shared ? group : null, s.SubscriptionId);
                    session.Subscriptions[s.Filter] = subscription;
                    _subscriptions.Add(subscription);
                }

                session.RestoreQueues(saved, m => new OutgoingMessage(m.Message, m.Qos, m.Retain, m.SubscriptionIds, FromUtcTicks(m.QueuedAtUtcTicks)));
                _sessions[saved.ClientId] = session;
                if (saved.ExpiresAtUtcTicks != long.MaxValue)
                {
                    session.StartExpiry(TimeSpan.FromTicks(saved.ExpiresAtUtcTicks - nowTicks), ExpireSession);
                }
            }
        }
    }

    /// <summary>A <see cref="TimeProvider"/> timestamp as wall-clock UTC ticks (timestamps mean nothing after a restart).</summary>
    private long ToUtcTicks(long timestamp) => (TimeProvider.GetUtcNow() - TimeProvider.GetElapsedTime(timestamp)).UtcTicks;

    private long FromUtcTicks(long utcTicks)
    {
        var age = TimeSpan.FromTicks(Math.Max(0, TimeProvider.GetUtcNow().UtcTicks - utcTicks));
        return TimeProvider.GetTimestamp() - (long)(age.TotalSeconds * TimeProvider.TimestampFrequency);
    }

    internal bool IsExpired(OutgoingMessage message) =>
        message.Message.MessageExpiryInterval is { } expiry && TimeProvider.GetElapsedTime(message.QueuedAt).TotalSeconds >= expiry;

    /// <summary>5.0 §3.3.2.3.3: a forwarded message carries the expiry interval minus the time it waited.</summary>
    internal uint? RemainingExpiry(OutgoingMessage message) =>
        message.Message.MessageExpiryInterval is { } expiry
            ? (uint)Math.Max(1, expiry - (long)TimeProvider.GetElapsedTime(message.QueuedAt).TotalSeconds)
            : null;

    /// <summary>Runs an authorization hook; no hook allows, a failing hook refuses.</summary>
    private async ValueTask<bool> AskAsync<T>(Func<T, ValueTask<bool>>? hook, T request, string clientId)
    {
        if (hook is null)
        {
            return true;
        }

        try
        {
            return await hook(request);
        }
        catch (Exception e)
        {
            Log.AuthorizeFailed(e, clientId);
            return false;
        }
    }

    private static MqttQualityOfService Min(MqttQualityOfService a, MqttQualityOfService b) => a < b ? a : b;

    internal static MqttApplicationMessage ToWillMessage(ConnectPacket connect)
    {
        var publish = new PublishPacket
        {
            Topic = connect.WillTopic!,
            Payload = connect.WillPayload ?? [],
            Qos = connect.WillQos,
            Retain = connect.WillRetain,
            Properties = connect.WillProperties,
        };
        return MqttMessageMapping.ToMessage(publish, publish.Topic);
    }

    private static IPAddress ResolveHost(string host)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        return Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? throw new MqttBrokerStartException($"The MQTT host '{host}' resolves to no IPv4 address; set Mqtt:Host to an address.");
    }

    private void RouteToMany(MqttApplicationMessage message, BrokerSession? sender, List<BrokerSubscription> matches, long now)
    {
        // §3.3.4: overlapping subscriptions yield one copy per session, at the highest granted QoS,
        // carrying every matching subscription identifier. Each shared group gets one copy in total.
        var perSession = new Dictionary<BrokerSession, (MqttQualityOfService Qos, bool Retain, List<uint>? Ids)>();
        Dictionary<string, List<BrokerSubscription>>? groups = null;
        foreach (var match in matches)
        {
            if (match.ShareGroup is not null)
            {
                groups ??= new Dictionary<string, List<BrokerSubscription>>(StringComparer.Ordinal);
                var key = match.ShareGroup + "/" + match.Filter;
                if (!groups.TryGetValue(key, out var members))
                {
                    groups[key] = members = [];
                }

                members.Add(match);
                continue;
            }

            if (match.NoLocal && match.Session == sender)
            {
                continue;
            }

            var qos = Min(message.Qos, match.Qos);
            var retain = message.Retain && match.RetainAsPublished;
            perSession.TryGetValue(match.Session, out var current);
            List<uint>? ids = current.Ids;
            // Two subscriptions made by one SUBSCRIBE share its identifier: list it once (libmosquitto
            // rejects a PUBLISH that repeats a property value).
            if (match.SubscriptionId is { } id && (ids is null || !ids.Contains(id)))
            {
                (ids ??= []).Add(id);
            }

            perSession[match.Session] = (current.Qos > qos ? current.Qos : qos, current.Retain || retain, ids);
        }

        foreach (var (session, (qos, retain, ids)) in perSession)
        {
            session.Deliver(new OutgoingMessage(message, qos, retain, ids, now));
        }

        if (groups is null)
        {
            return;
        }

        foreach (var members in groups.Values)
        {
            // Round robin, preferring members that are online.
            var start = (int)(Interlocked.Increment(ref _sharedRoundRobin) % members.Count);
            var chosen = members[start];
            for (var i = 0; i < members.Count; i++)
            {
                var candidate = members[(start + i) % members.Count];
                if (candidate.Session.IsConnected)
                {
                    chosen = candidate;
                    break;
                }
            }

            chosen.Session.Deliver(new OutgoingMessage(message, Min(message.Qos, chosen.Qos), false,
                chosen.SubscriptionId is { } id ? [id] : null, now));
        }
    }

    private void ExpireSession(BrokerSession session)
    {
        lock (_sessionsGate)
        {
            if (session.Owner is null)
            {
                EndSessionLocked(session);
            }
        }
    }

    private void EndSessionLocked(BrokerSession session)
    {
        foreach (var subscription in session.Subscriptions.Values)
        {
            _subscriptions.Remove(subscription);
        }

        session.Subscriptions.Clear();
        if (_sessions.TryGetValue(session.ClientId, out var mapped) && mapped == session)
        {
            _sessions.Remove(session.ClientId);
        }

        session.End();
        StateChanged();
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested || e is ObjectDisposedException)
                {
                    return;
                }

                continue;
            }

            _ = ServeSocketAsync(socket);
        }
    }

    private async Task ServeSocketAsync(Socket socket)
    {
        try
        {
            socket.NoDelay = true;
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await HandleConnectionAsync(new SocketDuplexPipe(stream), socket.RemoteEndPoint, CancellationToken.None);
        }
        catch (Exception e)
        {
            Log.ConnectionCrashed(e);
        }
        finally
        {
            await LingeringCloseAsync(socket);
        }
    }

    /// <summary>
    /// Closes so that the client can read the last DISCONNECT or CONNACK: closing a socket with unread input
    /// makes the kernel answer with RST, and the client may then lose what was sent just before it. So the send
    /// side is shut first (FIN after the queued bytes) and the client's input is read and dropped for a moment.
    /// </summary>
    private static async Task LingeringCloseAsync(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            var scratch = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                using var linger = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
                var dropped = 0;
                while (dropped < 64 * 1024)
                {
                    var read = await socket.ReceiveAsync(scratch, SocketFlags.None, linger.Token);
                    if (read == 0)
                    {
                        break;
                    }

                    dropped += read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or kept talking: close regardless.
        }
        finally
        {
            socket.Dispose();
        }
    }

    private sealed record RetainedMessage(MqttApplicationMessage Message, long StoredAt);
}
