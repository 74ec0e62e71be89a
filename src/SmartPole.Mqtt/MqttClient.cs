using System.Collections.Concurrent;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SmartPole.Mqtt.Client;
using SmartPole.Mqtt.Packets;
using SmartPole.Mqtt.Topics;

namespace SmartPole.Mqtt;

/// <summary>
/// An MQTT 3.1.1 / 5.0 client over TCP, optionally TLS: QoS 0/1/2 with an in-flight window, subscribe,
/// will, keep-alive and optional automatic reconnect (with backoff, re-subscribe and resend of what was
/// not acknowledged). Fully asynchronous and timer-driven, so thousands of instances share the thread pool.
/// </summary>
public sealed class MqttClient : IAsyncDisposable
{
    private readonly MqttClientOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<ushort, PendingRequest> _pending = new();
    private readonly ConcurrentDictionary<ushort, byte> _incomingQos2 = new();
    private readonly Dictionary<string, MqttSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    // Requests not yet written on the current connection, in the order they were made, and the one writer
    // that drains them: callers that waited for a reconnect all wake at once, and must not overtake one
    // another (§4.6: a client's PUBLISHes reach the broker in the order they were made).
    private readonly Queue<PendingRequest> _outbox = new();
    private readonly SemaphoreSlim _outboxWriter = new(1, 1);
    private SemaphoreSlim _inflight;
    private ClientLink? _link;
    private TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource _lifetime = new();
    private Task _reconnectLoop = Task.CompletedTask;
    private int _reconnecting;
    private int _generation;
    private int _lastPacketId;
    private long _sequence;
    private volatile bool _connected;
    private volatile bool _stopped = true;
    private volatile bool _sessionPresent;

    /// <summary>Creates a client; nothing happens until <see cref="ConnectAsync"/>.</summary>
    public MqttClient(MqttClientOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _inflight = new SemaphoreSlim(Math.Max(1, options.MaxInflight));
        ClientId = options.ClientId;
    }

    /// <summary>
    /// True from a successful CONNACK (after a reconnect: from the moment subscriptions and unacknowledged
    /// requests were restored on it) until that connection is lost.
    /// </summary>
    public bool IsConnected => _connected;

    /// <summary>True when the broker resumed a stored session on the latest connection (CONNACK Session Present).</summary>
    public bool SessionPresent => _sessionPresent;

    /// <summary>The client identifier in use (the broker's assigned one when the options left it empty and the broker said).</summary>
    public string ClientId { get; private set; }

    /// <summary>Handles each inbound PUBLISH, one at a time in arrival order; the acknowledgement is sent after it returns. Null (default) = messages are acknowledged and dropped.</summary>
    public Func<MqttApplicationMessage, ValueTask>? MessageReceivedAsync { get; set; }

    /// <summary>Connects and waits for CONNACK; throws <see cref="MqttConnectException"/> with the reason code when refused.</summary>
    public async Task ConnectAsync(CancellationToken ct = default)
    {
        if (_connected)
        {
            throw new InvalidOperationException("The client is already connected.");
        }

        if (_lifetime.IsCancellationRequested)
        {
            _lifetime.Dispose();
            _lifetime = new CancellationTokenSource();
        }

        await DropLinkAsync();
        _stopped = false;
        try
        {
            await ConnectCoreAsync(ct);
        }
        catch
        {
            _stopped = true;
            throw;
        }

        if (!TryMarkReady(_link!))
        {
            await DisconnectAsync(CancellationToken.None);
            throw new MqttConnectException($"The MQTT broker at {_options.Host}:{_options.Port} closed the connection right after accepting it.");
        }
    }

    /// <summary>
    /// Publishes a message. QoS 0 completes once written; QoS 1/2 once PUBACK / PUBCOMP arrives. Up to
    /// <see cref="MqttClientOptions.MaxInflight"/> may be unacknowledged at once; beyond that the call waits.
    /// </summary>
    public async Task PublishAsync(MqttApplicationMessage message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        MqttTopic.ValidateName(message.Topic);
        var packet = new PublishPacket
        {
            Topic = message.Topic,
            Payload = message.Payload,
            Qos = message.Qos,
            Retain = message.Retain,
            Properties = _options.ProtocolVersion == MqttProtocolVersion.V500 ? MqttMessageMapping.ToProperties(message) : null,
        };
        if (message.Qos == MqttQualityOfService.AtMostOnce)
        {
            while (true)
            {
                var link = await ReadyLinkAsync(ct);
                try
                {
                    await SendOnAsync(link, packet, ct);
                    return;
                }
                catch (IOException) when (_options.AutoReconnect && !_stopped)
                {
                }
            }
        }

        var window = _inflight;
        await window.WaitAsync(ct);
        try
        {
            var ack = (AckPacket)await RequestAsync(packet, id => packet.PacketId = id, ct);
            if ((byte)ack.ReasonCode >= 0x80)
            {
                throw new MqttRefusedException($"The broker refused the publish on '{message.Topic}'", ack.ReasonCode);
            }
        }
        finally
        {
            window.Release();
        }
    }

    /// <summary>Subscribes to one filter; throws <see cref="MqttRefusedException"/> when SUBACK refuses it.</summary>
    public Task SubscribeAsync(string topicFilter, MqttQualityOfService qos, CancellationToken ct = default) =>
        SubscribeAsync(new MqttSubscription(topicFilter, qos), ct);

    /// <summary>Subscribes with MQTT 5.0 subscription options; throws <see cref="MqttRefusedException"/> when SUBACK refuses it.</summary>
    public async Task SubscribeAsync(MqttSubscription subscription, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        if (!MqttTopic.IsValidFilter(subscription.TopicFilter))
        {
            throw new ArgumentException($"'{subscription.TopicFilter}' is not a valid topic filter.", nameof(subscription));
        }

        var subscribe = ToSubscribePacket(subscription);
        var subAck = (SubAckPacket)await RequestAsync(subscribe, id => subscribe.PacketId = id, ct);
        var code = subAck.ReasonCodes.Count > 0 ? subAck.ReasonCodes[0] : MqttReasonCode.UnspecifiedError;
        if ((byte)code >= 0x80)
        {
            throw new MqttRefusedException($"The broker refused the subscription to '{subscription.TopicFilter}'", code);
        }

        lock (_gate)
        {
            _subscriptions[subscription.TopicFilter] = subscription;
        }
    }

    /// <summary>Removes a subscription; waits for UNSUBACK.</summary>
    public async Task UnsubscribeAsync(string topicFilter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(topicFilter);
        lock (_gate)
        {
            _subscriptions.Remove(topicFilter);
        }

        var unsubscribe = new UnsubscribePacket();
        unsubscribe.Filters.Add(topicFilter);
        var unsubAck = (UnsubAckPacket)await RequestAsync(unsubscribe, id => unsubscribe.PacketId = id, ct);
        if (unsubAck.ReasonCodes.Count > 0 && (byte)unsubAck.ReasonCodes[0] >= 0x80)
        {
            throw new MqttRefusedException($"The broker refused to unsubscribe '{topicFilter}'", unsubAck.ReasonCodes[0]);
        }
    }

    /// <summary>Sends DISCONNECT (so no will is published), closes the connection and stops reconnecting.</summary>
    public async Task DisconnectAsync(CancellationToken ct = default)
    {
        _stopped = true;
        if (!_lifetime.IsCancellationRequested)
        {
            await _lifetime.CancelAsync();
        }

        var link = _link;
        if (link is { Established: true, Ended: false })
        {
            _connected = false;
            try
            {
                await SendOnAsync(link, new DisconnectPacket(), ct);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
            {
            }
        }

        await DropLinkAsync();
        await _reconnectLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        // The reconnect loop may have opened a connection just before it saw the cancellation.
        await DropLinkAsync();
        FailPending("the client disconnected");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync();
        _lifetime.Dispose();
    }

    /// <summary>
    /// Closes the connection without DISCONNECT, as a network failure would: the broker then publishes the
    /// will. With <see cref="MqttClientOptions.AutoReconnect"/> the client reconnects as after any loss
    /// (unacknowledged requests are kept and resent); without it, waiting requests fail. Does nothing when
    /// not connected.
    /// </summary>
    public Task DropConnectionAsync() => DropLinkAsync();

    /// <summary>The name the simulator's fault injection reaches by <c>UnsafeAccessor</c>; same as <see cref="DropConnectionAsync"/>.</summary>
    internal Task AbortAsync() => DropConnectionAsync();

    private static MqttConnectReasonCode FromReturnCode(byte code) => code switch
    {
        1 => MqttConnectReasonCode.UnsupportedProtocolVersion,
        2 => MqttConnectReasonCode.ClientIdentifierNotValid,
        3 => MqttConnectReasonCode.ServerUnavailable,
        4 => MqttConnectReasonCode.BadUserNameOrPassword,
        5 => MqttConnectReasonCode.NotAuthorized,
        _ => (MqttConnectReasonCode)code,
    };

    private static SubscribePacket ToSubscribePacket(MqttSubscription subscription)
    {
        var subscribe = new SubscribePacket
        {
            Properties = subscription.SubscriptionIdentifier is { } id ? new MqttProperties { SubscriptionIdentifiers = [id] } : null,
        };
        subscribe.Filters.Add(new MqttTopicFilter(
            subscription.TopicFilter,
            subscription.Qos,
            subscription.NoLocal,
            subscription.RetainAsPublished,
            (byte)subscription.RetainHandling));
        return subscribe;
    }

    private async Task<bool> ConnectCoreAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream stream;
        try
        {
            await socket.ConnectAsync(_options.Host, _options.Port, timeout.Token);
            stream = new NetworkStream(socket, ownsSocket: true);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            ct.ThrowIfCancellationRequested();
            throw new MqttConnectException($"Cannot connect to the MQTT broker at {_options.Host}:{_options.Port}: {e.Message}", e);
        }

        if (_options.UseTls)
        {
            stream = await AuthenticateAsync(stream, ct, timeout.Token);
        }

        var link = new ClientLink(socket, stream, _options, Interlocked.Increment(ref _generation));
        link.ReadLoop = ReadLoopAsync(link);
        link.DispatchLoop = DispatchLoopAsync(link);
        ConnAckPacket connAck;
        try
        {
            await SendOnAsync(link, BuildConnect(), timeout.Token);
            connAck = await link.ConnAck.Task.WaitAsync(timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            await link.DisposeAsync();
            ct.ThrowIfCancellationRequested();
            throw new MqttConnectException($"The MQTT broker at {_options.Host}:{_options.Port} did not accept the connection: {e.Message}", e);
        }

        if (connAck.ReasonCode != 0)
        {
            await link.DisposeAsync();
            throw new MqttConnectException(FromReturnCode(connAck.ReasonCode), connAck.Properties?.ReasonString);
        }

        ApplyConnAck(link, connAck);
        link.Established = true;
        _link = link;
        _sessionPresent = connAck.SessionPresent;
        _logger.Connected(ClientId, _options.Host, _options.Port, connAck.SessionPresent);
        return connAck.SessionPresent;
    }

    private async Task<Stream> AuthenticateAsync(Stream tcp, CancellationToken ct, CancellationToken timeout)
    {
        var tls = _options.TlsOptions ?? new SslClientAuthenticationOptions();
        if (string.IsNullOrEmpty(tls.TargetHost))
        {
            tls.TargetHost = _options.Host;
        }

        var ssl = new SslStream(tcp, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(tls, timeout);
            return ssl;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            await ssl.DisposeAsync();
            ct.ThrowIfCancellationRequested();
            throw new MqttConnectException($"The TLS handshake with the MQTT broker at {_options.Host}:{_options.Port} failed: {e.Message}", e);
        }
    }

    private ConnectPacket BuildConnect()
    {
        var v5 = _options.ProtocolVersion == MqttProtocolVersion.V500;
        var connect = new ConnectPacket
        {
            ProtocolVersion = _options.ProtocolVersion,
            ClientId = _options.ClientId.Length > 0 || ClientId.Length == 0 ? _options.ClientId : ClientId,
            CleanSession = _options.CleanSession,
            KeepAliveSeconds = (ushort)Math.Clamp(_options.KeepAlive.TotalSeconds, 0, ushort.MaxValue),
            Username = _options.Username,
            Password = _options.Password is null ? null : Encoding.UTF8.GetBytes(_options.Password),
        };
        if (v5)
        {
            connect.Properties = new MqttProperties
            {
                SessionExpiryInterval = _options.SessionExpiryInterval == 0 ? null : _options.SessionExpiryInterval,
                ReceiveMaximum = 256,
                MaximumPacketSize = (uint)_options.MaxPacketSize,
            };
        }

        if (_options.Will is { } will)
        {
            MqttTopic.ValidateName(will.Topic);
            connect.WillTopic = will.Topic;
            connect.WillPayload = will.Payload.ToArray();
            connect.WillQos = will.Qos;
            connect.WillRetain = will.Retain;
            if (v5)
            {
                connect.WillProperties = MqttMessageMapping.ToProperties(will) ?? new MqttProperties();
                connect.WillProperties.WillDelayInterval = _options.WillDelay > TimeSpan.Zero ? (uint)_options.WillDelay.TotalSeconds : null;
            }
        }

        return connect;
    }

    private void ApplyConnAck(ClientLink link, ConnAckPacket connAck)
    {
        var p = connAck.Properties;
        if (p?.AssignedClientIdentifier is { } assigned)
        {
            ClientId = assigned;
        }

        if (p?.ReceiveMaximum is { } receiveMaximum && receiveMaximum < _options.MaxInflight)
        {
            // 5.0 §3.3.4: never more unacknowledged QoS 1/2 publishes than the broker's Receive Maximum.
            // Calls already waiting keep the old window; it is not disposed under them.
            _inflight = new SemaphoreSlim(receiveMaximum);
        }

        if (p?.MaximumPacketSize is { } maxPacketSize)
        {
            link.MaxOutgoingPacketSize = maxPacketSize;
        }

        link.KeepAlive = p?.ServerKeepAlive is { } serverKeepAlive ? TimeSpan.FromSeconds(serverKeepAlive) : _options.KeepAlive;
        if (link.KeepAlive > TimeSpan.Zero)
        {
            link.KeepAliveTimer = _time.CreateTimer(_ => OnKeepAliveTick(link), null, link.KeepAlive / 4, link.KeepAlive / 4);
        }
    }

    /// <summary>
    /// Sends a packet that expects an answer and waits for it. With automatic reconnect a lost connection
    /// does not fail the request: it is written again on the next connection.
    /// </summary>
    private async Task<MqttPacket> RequestAsync(MqttPacket packet, Action<ushort> setPacketId, CancellationToken ct)
    {
        var (id, entry) = Register(packet, setPacketId);
        try
        {
            while (true)
            {
                var link = await ReadyLinkAsync(ct);
                try
                {
                    await WriteOutboxAsync(link, ct);
                    break;
                }
                catch (IOException) when (_options.AutoReconnect && !_stopped)
                {
                }
            }

            return await entry.Reply.Task.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            entry.Abandoned = true;
            _pending.TryRemove(new KeyValuePair<ushort, PendingRequest>(id, entry));
            throw;
        }
    }

    /// <summary>
    /// Writes what waits in the outbox, oldest first, on <paramref name="link"/>; what a reconnect's restore
    /// already wrote on it is skipped. Whoever gets here first writes the others' requests too.
    /// </summary>
    private async Task WriteOutboxAsync(ClientLink link, CancellationToken ct)
    {
        await _outboxWriter.WaitAsync(ct);
        try
        {
            while (true)
            {
                PendingRequest? next;
                lock (_outbox)
                {
                    if (!_outbox.TryPeek(out next))
                    {
                        return;
                    }

                    if (next.Abandoned || next.SentOn >= link.Generation)
                    {
                        _outbox.Dequeue();
                        continue;
                    }
                }

                if (link.Ended || _link != link)
                {
                    // Waiting for the writer took long enough for the connection to go: the restore on
                    // the next one resends this request, and it must not then go out twice on it.
                    throw new IOException("The connection to the broker is closed.");
                }

                next.SentOn = link.Generation;
                try
                {
                    // Not the caller's token: the packet may be another caller's, and half a packet would
                    // corrupt the stream for everyone.
                    await SendOnAsync(link, next.Packet, CancellationToken.None);
                }
                catch (MqttRefusedException e)
                {
                    _pending.TryRemove(new KeyValuePair<ushort, PendingRequest>(PacketIdOf(next.Packet), next));
                    next.Reply.TrySetException(e);
                }

                lock (_outbox)
                {
                    _outbox.Dequeue();
                }
            }
        }
        finally
        {
            _outboxWriter.Release();
        }
    }

    /// <summary>Gives <paramref name="packet"/> a free packet id and its place in line; queued for the outbox unless <paramref name="setPacketId"/> is null.</summary>
    private (ushort Id, PendingRequest Entry) Register(MqttPacket packet, Action<ushort>? setPacketId)
    {
        // Under the outbox's lock: the sequence, the packet id and the place in the outbox agree.
        lock (_outbox)
        {
            var entry = new PendingRequest(packet, Interlocked.Increment(ref _sequence));
            while (true)
            {
                var id = (ushort)((uint)Interlocked.Increment(ref _lastPacketId) % 65535 + 1);
                if (_pending.TryAdd(id, entry))
                {
                    if (setPacketId is not null)
                    {
                        setPacketId(id);
                        _outbox.Enqueue(entry);
                    }

                    return (id, entry);
                }
            }
        }
    }

    /// <summary>The live connection; with automatic reconnect, waits for one.</summary>
    private async Task<ClientLink> ReadyLinkAsync(CancellationToken ct)
    {
        while (true)
        {
            if (_connected && _link is { } link)
            {
                return link;
            }

            if (_stopped || !_options.AutoReconnect)
            {
                throw new InvalidOperationException("The client is not connected.");
            }

            Task ready;
            lock (_gate)
            {
                ready = _ready.Task;
            }

            await ready.WaitAsync(ct);
        }
    }

    private async Task SendOnAsync(ClientLink link, MqttPacket packet, CancellationToken ct)
    {
        try
        {
            await link.WriteLock.WaitAsync(ct);
        }
        catch (ObjectDisposedException e)
        {
            throw new IOException("The connection to the broker is closed.", e);
        }

        try
        {
            var output = link.Transport.Output;
            if (link.Encoder.Encode(packet, output, link.MaxOutgoingPacketSize) == 0)
            {
                throw new MqttRefusedException("The packet is larger than the broker accepts", MqttReasonCode.PacketTooLarge);
            }

            link.LastSent = _time.GetTimestamp();
            var result = await output.FlushAsync(ct);
            if (result.IsCompleted)
            {
                throw new IOException("The connection to the broker is closed.");
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or SocketException)
        {
            throw new IOException("The connection to the broker is closed.", e);
        }
        finally
        {
            try
            {
                link.WriteLock.Release();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private async Task ReadLoopAsync(ClientLink link)
    {
        var reason = "the broker closed the connection";
        var input = link.Transport.Input;
        var ct = link.Closing.Token;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(ct);
                var buffer = result.Buffer;
                try
                {
                    while (link.Decoder.TryDecode(ref buffer, out var packet))
                    {
                        await HandleAsync(link, packet!, ct);
                    }

                    if (result.IsCompleted || result.IsCanceled)
                    {
                        return;
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }
        catch (OperationCanceledException)
        {
            reason = "closed";
        }
        catch (Exception e) when (e is MqttProtocolException or IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            reason = e.Message;
        }
        finally
        {
            link.Inbound.Writer.TryComplete();
            OnLinkEnded(link, reason);
        }
    }

    private async ValueTask HandleAsync(ClientLink link, MqttPacket packet, CancellationToken ct)
    {
        switch (packet)
        {
            case ConnAckPacket connAck:
                if (connAck.ReasonCode == 0 && !connAck.SessionPresent)
                {
                    // A new session: QoS 2 packet ids remembered from the old one would swallow new
                    // messages. Cleared here, on the read loop, before any PUBLISH that follows the
                    // CONNACK is handled (clearing after the connect awaits raced with it).
                    _incomingQos2.Clear();
                }

                link.ConnAck.TrySetResult(connAck);
                break;
            case PublishPacket publish:
                await link.Inbound.Writer.WriteAsync(publish, ct);
                break;
            case AckPacket { Type: MqttPacketType.PubRec } pubRec:
                if ((byte)pubRec.ReasonCode >= 0x80)
                {
                    Complete(pubRec.PacketId, pubRec);
                }
                else
                {
                    // From now on a reconnect resends PUBREL, not the PUBLISH (§4.4).
                    var pubRel = new AckPacket(MqttPacketType.PubRel, pubRec.PacketId);
                    if (_pending.TryGetValue(pubRec.PacketId, out var entry))
                    {
                        entry.Packet = pubRel;
                    }

                    await SendOnAsync(link, pubRel, ct);
                }

                break;
            case AckPacket { Type: MqttPacketType.PubRel } pubRel:
                _incomingQos2.TryRemove(pubRel.PacketId, out _);
                await SendOnAsync(link, new AckPacket(MqttPacketType.PubComp, pubRel.PacketId), ct);
                break;
            case AckPacket ack:
                Complete(ack.PacketId, ack);
                break;
            case SubAckPacket subAck:
                Complete(subAck.PacketId, subAck);
                break;
            case UnsubAckPacket unsubAck:
                Complete(unsubAck.PacketId, unsubAck);
                break;
            case PingRespPacket:
                Interlocked.Exchange(ref link.PingSentAt, 0);
                break;
            case DisconnectPacket disconnect:
                _logger.DisconnectedByBroker(ClientId, disconnect.ReasonCode);
                throw new IOException($"The broker disconnected: {disconnect.ReasonCode}");
            default:
                throw new MqttProtocolException($"{packet.Type} is not sent to a client", MqttReasonCode.ProtocolError, packet.Type);
        }
    }

    private void Complete(ushort packetId, MqttPacket reply)
    {
        if (_pending.TryRemove(packetId, out var waiter))
        {
            waiter.Reply.TrySetResult(reply);
        }
    }

    private async Task DispatchLoopAsync(ClientLink link)
    {
        // Handlers run here, not on the read loop, so a handler that publishes (and awaits PUBACK) cannot deadlock.
        await foreach (var publish in link.Inbound.Reader.ReadAllAsync())
        {
            var firstTime = publish.Qos != MqttQualityOfService.ExactlyOnce || _incomingQos2.TryAdd(publish.PacketId, 0);
            if (firstTime && MessageReceivedAsync is { } handler)
            {
                try
                {
                    await handler(MqttMessageMapping.ToMessage(publish, publish.Topic));
                }
                catch (Exception e)
                {
                    _logger.HandlerFailed(e, ClientId, publish.Topic);
                }
            }

            try
            {
                switch (publish.Qos)
                {
                    case MqttQualityOfService.AtLeastOnce:
                        await SendOnAsync(link, new AckPacket(MqttPacketType.PubAck, publish.PacketId), CancellationToken.None);
                        break;
                    case MqttQualityOfService.ExactlyOnce:
                        await SendOnAsync(link, new AckPacket(MqttPacketType.PubRec, publish.PacketId), CancellationToken.None);
                        break;
                }
            }
            catch (IOException)
            {
                // The connection is gone; the broker resends the message on the next one.
                return;
            }
        }
    }

    private void OnKeepAliveTick(ClientLink link)
    {
        if (!link.Established || link.Closing.IsCancellationRequested)
        {
            return;
        }

        var pingSentAt = Interlocked.Read(ref link.PingSentAt);
        if (pingSentAt != 0 && _time.GetElapsedTime(pingSentAt) >= link.KeepAlive)
        {
            _logger.PingTimeout(ClientId, link.KeepAlive);
            link.Closing.Cancel();
            return;
        }

        if (pingSentAt == 0 && _time.GetElapsedTime(link.LastSent) >= link.KeepAlive * 0.75)
        {
            Interlocked.Exchange(ref link.PingSentAt, _time.GetTimestamp());
            _ = SendPingAsync(link);
        }
    }

    private async Task SendPingAsync(ClientLink link)
    {
        try
        {
            await SendOnAsync(link, PingReqPacket.Instance, CancellationToken.None);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Opens <paramref name="link"/> to callers, unless it has already ended (then false): only now may new
    /// requests go out, so after a reconnect they follow the restored subscriptions and resent requests.
    /// </summary>
    private bool TryMarkReady(ClientLink link)
    {
        lock (_gate)
        {
            if (link.Ended || _link != link)
            {
                return false;
            }

            _connected = true;
            _ready.TrySetResult();
            return true;
        }
    }

    private void OnLinkEnded(ClientLink link, string reason)
    {
        link.Shutdown();
        link.ConnAck.TrySetException(new IOException($"The connection ended before CONNACK: {reason}"));
        lock (_gate)
        {
            link.Ended = true;
        }

        if (!link.Established)
        {
            return;
        }

        lock (_gate)
        {
            if (_link != link)
            {
                return;
            }

            _connected = false;
            if (_ready.Task.IsCompleted)
            {
                _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        link.KeepAliveTimer?.Dispose();
        if (_stopped)
        {
            return;
        }

        _logger.ConnectionLost(ClientId, reason);
        if (_options.AutoReconnect)
        {
            if (Interlocked.Exchange(ref _reconnecting, 1) == 0)
            {
                _reconnectLoop = ReconnectLoopAsync();
            }
        }
        else
        {
            _stopped = true;
            FailPending(reason);
        }
    }

    private async Task ReconnectLoopAsync()
    {
        var delay = _options.ReconnectDelay;
        var lifetime = _lifetime.Token;
        while (true)
        {
            try
            {
                // Jitter: after a broker restart, thousands of clients must not all knock at once.
                await Task.Delay(delay * (0.5 + (Random.Shared.NextDouble() / 2)), _time, lifetime);
                if (_link is { } old)
                {
                    await old.DisposeAsync();
                }

                var sessionPresent = await ConnectCoreAsync(lifetime);
                var link = _link!;
                await RestoreAsync(link, sessionPresent, lifetime);
                if (!TryMarkReady(link))
                {
                    throw new IOException("The connection was lost again while it was being restored.");
                }

                _logger.Reconnected(ClientId, sessionPresent);
            }
            catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
            {
                Volatile.Write(ref _reconnecting, 0);
                return;
            }
            catch (Exception e) when (e is MqttConnectException or IOException or MqttRefusedException or InvalidOperationException)
            {
                _logger.ReconnectFailed(ClientId, delay, e.Message);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
                continue;
            }

            Volatile.Write(ref _reconnecting, 0);

            // The new connection may already have dropped while the flag was up; then go again.
            if (_connected || _stopped || Interlocked.Exchange(ref _reconnecting, 1) != 0)
            {
                return;
            }

            delay = _options.ReconnectDelay;
        }
    }

    /// <summary>After a reconnect: subscriptions back (unless the session survived), then every unanswered request again, in order.</summary>
    private async Task RestoreAsync(ClientLink link, bool sessionPresent, CancellationToken ct)
    {
        if (!sessionPresent)
        {
            MqttSubscription[] subscriptions;
            lock (_gate)
            {
                subscriptions = [.. _subscriptions.Values];
            }

            foreach (var subscription in subscriptions)
            {
                var subscribe = ToSubscribePacket(subscription);
                var (id, entry) = Register(subscribe, setPacketId: null);
                subscribe.PacketId = id;
                entry.SentOn = link.Generation;
                await SendOnAsync(link, subscribe, ct);
            }
        }

        // A snapshot under the lock Register holds: enumerating the live dictionary could see a request
        // made during the restore and miss an earlier one, which the outbox would then write after it.
        PendingRequest[] unanswered;
        lock (_outbox)
        {
            unanswered = [.. _pending.Values];
        }

        foreach (var entry in unanswered.OrderBy(e => e.Sequence))
        {
            if (entry.SentOn >= link.Generation)
            {
                continue;
            }

            if (entry.Packet is PublishPacket publish)
            {
                publish.Dup = true;
            }

            entry.SentOn = link.Generation;
            await SendOnAsync(link, entry.Packet, ct);
        }
    }

    private static ushort PacketIdOf(MqttPacket packet) => packet switch
    {
        PublishPacket publish => publish.PacketId,
        SubscribePacket subscribe => subscribe.PacketId,
        UnsubscribePacket unsubscribe => unsubscribe.PacketId,
        AckPacket ack => ack.PacketId,
        _ => 0,
    };

    private void FailPending(string reason)
    {
        lock (_outbox)
        {
            _outbox.Clear();
        }

        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var waiter))
            {
                waiter.Reply.TrySetException(new IOException($"The connection to the MQTT broker was lost: {reason}"));
            }
        }
    }

    private async Task DropLinkAsync()
    {
        var link = _link;
        if (link is null)
        {
            return;
        }

        await link.DisposeAsync();
    }
}
