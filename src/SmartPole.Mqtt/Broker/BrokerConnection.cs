using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.Extensions.Logging;
using SmartPole.Mqtt.Formatter;
using SmartPole.Mqtt.Packets;
using SmartPole.Mqtt.Topics;
using SmartPole.Mqtt.Transport;

namespace SmartPole.Mqtt.Broker;

/// <summary>
/// One client connection to the broker: a read loop that decodes and handles packets in order, and
/// a write loop that drains an outbound queue, so a slow reader never blocks the publishers that
/// feed it (QoS 0 beyond the queue bound is dropped, QoS 1/2 wait in the session).
/// </summary>
internal sealed class BrokerConnection : IDisposable
{
    private readonly MqttBroker _broker;
    private readonly IDuplexPipe _transport;
    private readonly EndPoint? _remoteEndPoint;
    private readonly MqttPacketDecoder _decoder;
    private readonly MqttPacketEncoder _encoder = new();
    private readonly OutboundQueue _outbound = new();
    private readonly CancellationTokenSource _abort;
    private readonly CancellationTokenSource _writeAbort = new();
    private readonly ITimer _keepAliveTimer;
    private int _queuedQos0;
    private long _lastActivity;
    private TimeSpan _keepAliveLimit;
    private BrokerSession? _session;
    private ConnectPacket? _connect;
    private ConnectPacket? _authenticating;
    private string? _assignedClientId;
    private MqttAuthenticationExchange? _authExchange;
    private string?[]? _topicAliases;
    private long _maxOutgoingPacketSize = long.MaxValue;
    private OutgoingTopicAliases? _outgoingAliases;
    private bool _sendWill = true;
    private MqttReasonCode? _closeReason;
    private string? _closeDetail;

    public BrokerConnection(MqttBroker broker, IDuplexPipe transport, EndPoint? remoteEndPoint, CancellationToken cancellationToken)
    {
        _broker = broker;
        _transport = transport;
        _remoteEndPoint = remoteEndPoint;
        _decoder = new MqttPacketDecoder(MqttProtocolVersion.V311, broker.Options.MaxPacketSize);
        _abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _lastActivity = broker.TimeProvider.GetTimestamp();
        _keepAliveLimit = broker.Options.ConnectTimeout;
        _keepAliveTimer = broker.TimeProvider.CreateTimer(_ => CheckKeepAlive(), null, _keepAliveLimit, Timeout.InfiniteTimeSpan);
        SendQuota = broker.Options.MaxInflightMessagesPerClient;
    }

    public string ClientId { get; private set; } = "";

    public MqttProtocolVersion Version => _decoder.Version;

    /// <summary>QoS 1/2 messages the client accepts in flight (5.0 Receive Maximum, capped by the broker's option).</summary>
    public int SendQuota { get; private set; }

    public async Task RunAsync()
    {
        var writer = Task.CompletedTask;
        try
        {
            writer = WriteLoopAsync();
            await ReadLoopAsync(_abort.Token);
        }
        catch (MqttProtocolException e)
        {
            _broker.Log.ProtocolViolation(ClientId, _remoteEndPoint?.ToString(), e.ReasonCode, e.Message);
            _closeReason ??= e.ReasonCode;
            _closeDetail ??= e.Message;
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
        {
            _broker.Log.ConnectionFailed(ClientId, e.Message);
        }
        finally
        {
            await CloseAsync(writer);
        }
    }

    /// <summary>Tells the client it is being taken over (5.0: DISCONNECT 0x8E) and closes the connection.</summary>
    public void Close(MqttReasonCode reason)
    {
        _closeReason ??= reason;
        try
        {
            // Asynchronously: the caller may hold the session table lock, and the read loop's
            // clean-up (which takes it too) must not run inline under it.
            _ = _abort.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The connection has already ended.
        }
    }

    /// <summary>Queues a control packet (or a QoS 1/2 PUBLISH the session has admitted).</summary>
    public void Send(MqttPacket packet) => _outbound.TryWrite(packet);

    public void SendPublish(OutgoingMessage message, ushort packetId, bool dup) => Send(BuildPublish(message, packetId, dup));

    /// <summary>Queues a QoS 0 PUBLISH unless this connection's queue is full (a slow reader): then it is dropped.</summary>
    public void TrySendQos0(OutgoingMessage message)
    {
        if (Interlocked.Increment(ref _queuedQos0) > _broker.Options.MaxOutboundQueuePerConnection)
        {
            Interlocked.Decrement(ref _queuedQos0);
            _broker.MessageDropped(ClientId, message.Message.Topic);
            return;
        }

        if (!_outbound.TryWrite(BuildPublish(message, 0, false)))
        {
            Interlocked.Decrement(ref _queuedQos0);
        }
    }

    public void Dispose()
    {
        _keepAliveTimer.Dispose();
        _abort.Dispose();
        _writeAbort.Dispose();
        _encoder.Dispose();
    }

    private PublishPacket BuildPublish(OutgoingMessage message, ushort packetId, bool dup)
    {
        var m = message.Message;
        return new PublishPacket
        {
            Topic = m.Topic,
            Payload = m.Payload,
            Qos = message.Qos,
            Retain = message.Retain,
            Dup = dup,
            PacketId = packetId,
            Properties = Version == MqttProtocolVersion.V500
                ? MqttMessageMapping.ToProperties(m, message.SubscriptionIds, _broker.RemainingExpiry(message))
                : null,
        };
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        var input = _transport.Input;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            try
            {
                while (_decoder.TryDecode(ref buffer, out var packet))
                {
                    _lastActivity = _broker.TimeProvider.GetTimestamp();
                    if (!await HandleAsync(packet!, cancellationToken))
                    {
                        return;
                    }
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

    /// <summary>Handles one packet; false ends the connection normally.</summary>
    private async ValueTask<bool> HandleAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        if (_connect is null)
        {
            if (_authenticating is not null)
            {
                // §4.12: between CONNECT and CONNACK only the exchange's AUTH packets may come.
                return packet is AuthPacket { ReasonCode: MqttReasonCode.ContinueAuthentication } answer
                    ? await AuthenticateAsync(answer)
                    : throw new MqttProtocolException("Expected AUTH 0x18 during enhanced authentication", MqttReasonCode.ProtocolError, packet.Type);
            }

            if (packet is not ConnectPacket connect)
            {
                throw new MqttProtocolException("First packet is not CONNECT", MqttReasonCode.ProtocolError, packet.Type); // [MQTT-3.1.0-1]
            }

            return await HandleConnectAsync(connect);
        }

        var session = _session!;
        switch (packet)
        {
            case PublishPacket publish:
                await HandlePublishAsync(session, publish, cancellationToken);
                return true;
            case AckPacket { Type: MqttPacketType.PubAck } ack:
                session.Acknowledge(ack.PacketId, pubComp: false);
                return true;
            case AckPacket { Type: MqttPacketType.PubRec } ack:
                var known = session.Received(ack.PacketId, failed: (byte)ack.ReasonCode >= 0x80);
                if ((byte)ack.ReasonCode < 0x80)
                {
                    Send(new AckPacket(MqttPacketType.PubRel, ack.PacketId, known ? MqttReasonCode.Success : MqttReasonCode.PacketIdentifierNotFound));
                }

                return true;
            case AckPacket { Type: MqttPacketType.PubRel } ack:
                var released = session.ReleaseIncomingQos2(ack.PacketId);
                Send(new AckPacket(MqttPacketType.PubComp, ack.PacketId, released ? MqttReasonCode.Success : MqttReasonCode.PacketIdentifierNotFound));
                return true;
            case AckPacket { Type: MqttPacketType.PubComp } ack:
                session.Acknowledge(ack.PacketId, pubComp: true);
                return true;
            case SubscribePacket subscribe:
                await HandleSubscribeAsync(session, subscribe);
                return true;
            case UnsubscribePacket unsubscribe:
                var unsubAck = new UnsubAckPacket { PacketId = unsubscribe.PacketId };
                foreach (var filter in unsubscribe.Filters)
                {
                    unsubAck.ReasonCodes.Add(_broker.Unsubscribe(session, filter) ? MqttReasonCode.Success : MqttReasonCode.NoSubscriptionExisted);
                }

                Send(unsubAck);
                return true;
            case PingReqPacket:
                Send(PingRespPacket.Instance);
                return true;
            case DisconnectPacket disconnect:
                // §3.14.4: a normal DISCONNECT discards the will; 5.0 reason 0x04 asks for it anyway.
                _sendWill = disconnect.ReasonCode == MqttReasonCode.DisconnectWithWillMessage;
                if (disconnect.Properties?.SessionExpiryInterval is { } expiry)
                {
                    if (session.ExpiryInterval == 0 && expiry != 0)
                    {
                        throw new MqttProtocolException("Session expiry set on DISCONNECT after CONNECT said 0", MqttReasonCode.ProtocolError, expiry); // [MQTT-3.14.2-2]
                    }

                    session.ExpiryInterval = _broker.GrantSessionExpiry(expiry);
                }

                return false;
            case ConnectPacket:
                throw new MqttProtocolException("Second CONNECT", MqttReasonCode.ProtocolError); // [MQTT-3.1.0-2]
            case AuthPacket auth:
                return await ReauthenticateAsync(auth);
            default:
                throw new MqttProtocolException($"{packet.Type} is not sent to a server", MqttReasonCode.ProtocolError, packet.Type);
        }
    }

    private async ValueTask<bool> HandleConnectAsync(ConnectPacket connect)
    {
        _encoder.Version = connect.ProtocolVersion;
        var v5 = connect.ProtocolVersion == MqttProtocolVersion.V500;
        var properties = connect.Properties;
        ClientId = connect.ClientId;
        if (ClientId.Length == 0)
        {
            if (!v5 && !connect.CleanSession)
            {
                // 3.1.1 [MQTT-3.1.3-8]: an empty id with a persistent session is refused with 0x02.
                Refuse(MqttConnectReasonCode.ClientIdentifierNotValid);
                return false;
            }

            ClientId = _assignedClientId = "auto-" + Guid.NewGuid().ToString("N");
        }

        if (properties?.AuthenticationMethod is { } method)
        {
            // 5.0 §4.12: the exchange authenticates the client in place of user name and password.
            _authenticating = connect;
            _authExchange = new MqttAuthenticationExchange { ClientId = ClientId, Username = connect.Username, Method = method, RemoteEndPoint = _remoteEndPoint };
            return await AuthenticateAsync(new AuthPacket { Properties = properties });
        }

        var verdict = await _broker.AuthenticateConnectAsync(new MqttConnectContext
        {
            ClientId = ClientId,
            Username = connect.Username,
            Password = connect.Password ?? [],
            ProtocolVersion = connect.ProtocolVersion,
            RemoteEndPoint = _remoteEndPoint,
            CleanSession = connect.CleanSession,
            UserProperties = (IReadOnlyList<MqttUserProperty>?)properties?.UserProperties ?? [],
        });
        if (verdict != MqttConnectReasonCode.Success)
        {
            _broker.Log.ConnectRefused(ClientId, _remoteEndPoint?.ToString(), verdict);
            Refuse(verdict);
            return false;
        }

        return await AcceptAsync(connect, authenticationData: null);
    }

    /// <summary>One step of enhanced authentication while connecting: ask the hook, then challenge, accept or refuse.</summary>
    private async ValueTask<bool> AuthenticateAsync(AuthPacket step)
    {
        var exchange = _authExchange!;
        var result = await RunAuthenticationStepAsync(exchange, step);
        if (result is null)
        {
            return true;
        }

        if (result.ReasonCode != MqttConnectReasonCode.Success)
        {
            _broker.Log.ConnectRefused(ClientId, _remoteEndPoint?.ToString(), result.ReasonCode);
            Refuse(result.ReasonCode);
            return false;
        }

        var connect = _authenticating!;
        _authenticating = null;
        return await AcceptAsync(connect, result.Data.IsEmpty ? null : result.Data.ToArray());
    }

    /// <summary>AUTH on an accepted connection: re-authentication (0x19), or the client's answer within one (0x18).</summary>
    private async ValueTask<bool> ReauthenticateAsync(AuthPacket auth)
    {
        // §4.12.1: only a client that authenticated with a method may re-authenticate, and only with that method.
        if (_authExchange is not { } previous || auth.Properties?.AuthenticationMethod != previous.Method)
        {
            throw new MqttProtocolException("AUTH without the connection's Authentication Method", MqttReasonCode.ProtocolError, auth.Properties?.AuthenticationMethod);
        }

        if (auth.ReasonCode == MqttReasonCode.ReAuthenticate)
        {
            _authExchange = new MqttAuthenticationExchange { ClientId = ClientId, Username = _connect!.Username, Method = previous.Method, RemoteEndPoint = _remoteEndPoint, Reauthenticating = true };
        }
        else if (auth.ReasonCode != MqttReasonCode.ContinueAuthentication || !previous.Reauthenticating)
        {
            throw new MqttProtocolException("Unexpected AUTH", MqttReasonCode.ProtocolError, auth.ReasonCode);
        }

        var method = previous.Method;
        var result = await RunAuthenticationStepAsync(_authExchange, auth);
        if (result is null)
        {
            return true;
        }

        if (result.ReasonCode != MqttConnectReasonCode.Success)
        {
            // §4.12.1: a failed re-authentication ends the connection with DISCONNECT and the reason.
            throw new MqttProtocolException("Re-authentication failed", (MqttReasonCode)result.ReasonCode, method);
        }

        // Done: a later AUTH must open a new exchange with 0x19.
        _authExchange = new MqttAuthenticationExchange { ClientId = ClientId, Username = _connect!.Username, Method = method, RemoteEndPoint = _remoteEndPoint };
        Send(new AuthPacket
        {
            ReasonCode = MqttReasonCode.Success,
            Properties = new MqttProperties { AuthenticationMethod = method, AuthenticationData = result.Data.IsEmpty ? null : result.Data.ToArray() },
        });
        return true;
    }

    /// <summary>Hands one step to the hook; sends the challenge and returns null while the exchange continues.</summary>
    private async ValueTask<MqttAuthenticationResult?> RunAuthenticationStepAsync(MqttAuthenticationExchange exchange, AuthPacket step)
    {
        if (step.Properties?.AuthenticationMethod is { } method && method != exchange.Method)
        {
            throw new MqttProtocolException("Authentication Method changed during the exchange", MqttReasonCode.ProtocolError, method); // [MQTT-4.12.0-5]
        }

        exchange.Data = step.Properties?.AuthenticationData;
        var result = await _broker.AuthenticateStepAsync(exchange);
        exchange.Step++;
        if (result.IsComplete)
        {
            return result;
        }

        Send(new AuthPacket
        {
            ReasonCode = MqttReasonCode.ContinueAuthentication,
            Properties = new MqttProperties { AuthenticationMethod = exchange.Method, AuthenticationData = result.Data.IsEmpty ? null : result.Data.ToArray() },
        });
        return null;
    }

    private async ValueTask<bool> AcceptAsync(ConnectPacket connect, byte[]? authenticationData)
    {
        _connect = connect;
        var v5 = connect.ProtocolVersion == MqttProtocolVersion.V500;
        var options = _broker.Options;
        var properties = connect.Properties;
        if (connect.WillTopic is not null
            && !await _broker.MayPublishAsync(new MqttInboundMessage { ClientId = ClientId, Username = connect.Username, Message = MqttBroker.ToWillMessage(connect) }))
        {
            _broker.Log.NotAuthorized(ClientId, "set a will on", connect.WillTopic);
            Refuse(MqttConnectReasonCode.NotAuthorized);
            return false;
        }

        if (properties?.ReceiveMaximum is { } receiveMaximum)
        {
            SendQuota = Math.Min(SendQuota, receiveMaximum);
        }

        if (properties?.MaximumPacketSize is { } maxPacketSize)
        {
            _maxOutgoingPacketSize = maxPacketSize;
        }

        if (properties?.TopicAliasMaximum is { } aliasMaximum && aliasMaximum > 0)
        {
            _outgoingAliases = new OutgoingTopicAliases(aliasMaximum);
        }

        ushort? serverKeepAlive = null;
        var keepAlive = connect.KeepAliveSeconds;
        var maxKeepAlive = (ushort)Math.Clamp(options.MaxKeepAlive.TotalSeconds, 1, ushort.MaxValue);
        if (keepAlive == 0 || keepAlive > maxKeepAlive)
        {
            if (v5)
            {
                serverKeepAlive = keepAlive = maxKeepAlive;
            }
            else if (options.RefuseV311KeepAliveOverMax)
            {
                // 3.1.1 has no Server Keep Alive: the only way to hold the cap is to refuse (0x02, as Mosquitto does).
                _broker.Log.KeepAliveRefused(ClientId, keepAlive, maxKeepAlive);
                Refuse(MqttConnectReasonCode.ClientIdentifierNotValid);
                return false;
            }
        }

        // §3.1.2.10: the server closes the connection after one and a half keep-alive periods of silence.
        _keepAliveLimit = keepAlive == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(keepAlive * 1.5);

        var requestedExpiry = v5 ? properties?.SessionExpiryInterval ?? 0 : connect.CleanSession ? 0 : uint.MaxValue;
        var grantedExpiry = _broker.GrantSessionExpiry(requestedExpiry);
        var session = _broker.AttachSession(this, ClientId, connect, grantedExpiry, out var sessionPresent);
        _session = session;
        var connAck = new ConnAckPacket { SessionPresent = sessionPresent, ReasonCode = 0 };
        if (v5)
        {
            connAck.Properties = new MqttProperties
            {
                ReceiveMaximum = (ushort)Math.Clamp(options.ReceiveMaximum, 1, ushort.MaxValue),
                TopicAliasMaximum = (ushort)Math.Clamp(options.TopicAliasMaximum, 0, ushort.MaxValue),
                MaximumPacketSize = (uint)options.MaxPacketSize,
                AssignedClientIdentifier = _assignedClientId,
                AuthenticationMethod = _authExchange?.Method,
                AuthenticationData = authenticationData,
                SessionExpiryInterval = grantedExpiry != requestedExpiry ? grantedExpiry : null,
                ServerKeepAlive = serverKeepAlive,
                WildcardSubscriptionAvailable = 1,
                SubscriptionIdentifierAvailable = 1,
                SharedSubscriptionAvailable = 1,
            };
        }

        session.Resume(this, connAck);
        _lastActivity = _broker.TimeProvider.GetTimestamp();
        _keepAliveTimer.Change(_keepAliveLimit, Timeout.InfiniteTimeSpan);
        _broker.Log.ClientConnected(ClientId, _remoteEndPoint?.ToString(), connect.ProtocolVersion, connect.CleanSession, sessionPresent);
        return true;
    }

    private void Refuse(MqttConnectReasonCode reason)
    {
        _sendWill = false;
        Send(new ConnAckPacket { ReasonCode = Version == MqttProtocolVersion.V500 ? (byte)reason : ToV311ReturnCode(reason) });
    }

    private static byte ToV311ReturnCode(MqttConnectReasonCode reason) => reason switch
    {
        MqttConnectReasonCode.Success => 0,
        MqttConnectReasonCode.UnsupportedProtocolVersion => 1,
        MqttConnectReasonCode.ClientIdentifierNotValid => 2,
        MqttConnectReasonCode.BadUserNameOrPassword => 4,
        MqttConnectReasonCode.NotAuthorized or MqttConnectReasonCode.Banned or MqttConnectReasonCode.BadAuthenticationMethod => 5,
        _ => 3,
    };

    private async ValueTask HandlePublishAsync(BrokerSession session, PublishPacket publish, CancellationToken cancellationToken)
    {
        var topic = ResolveTopicAlias(publish);
        if (publish.Qos == MqttQualityOfService.ExactlyOnce)
        {
            if (!session.BeginIncomingQos2(publish.PacketId))
            {
                // A resend of a QoS 2 message already taken in (§4.3.3): acknowledge again, deliver once.
                Send(new AckPacket(MqttPacketType.PubRec, publish.PacketId));
                return;
            }

            if (session.IncomingQos2Count > _broker.Options.ReceiveMaximum && Version == MqttProtocolVersion.V500)
            {
                throw new MqttProtocolException("Receive Maximum exceeded", MqttReasonCode.ReceiveMaximumExceeded, session.IncomingQos2Count); // [MQTT-3.3.4-9]
            }
        }

        var inbound = new MqttInboundMessage { ClientId = ClientId, Username = _connect!.Username, Message = MqttMessageMapping.ToMessage(publish, topic) };
        var reason = MqttReasonCode.Success;
        if (await _broker.MayPublishAsync(inbound))
        {
            await _broker.OnMessageReceivedAsync(inbound, cancellationToken);
            _broker.Route(inbound.Message, session);
        }
        else
        {
            // 3.1.1 cannot say no to a publish: it is acknowledged and dropped (as Mosquitto does).
            _broker.Log.NotAuthorized(ClientId, "publish to", topic);
            reason = MqttReasonCode.NotAuthorized;
        }

        switch (publish.Qos)
        {
            case MqttQualityOfService.AtLeastOnce:
                Send(new AckPacket(MqttPacketType.PubAck, publish.PacketId, reason));
                break;
            case MqttQualityOfService.ExactlyOnce:
                if (reason != MqttReasonCode.Success)
                {
                    // A PUBREC failure ends the exchange (§4.3.3): no PUBREL follows.
                    session.ReleaseIncomingQos2(publish.PacketId);
                }

                Send(new AckPacket(MqttPacketType.PubRec, publish.PacketId, reason));
                break;
        }
    }

    private string ResolveTopicAlias(PublishPacket publish)
    {
        if (publish.Properties?.TopicAlias is not { } alias)
        {
            return publish.Topic;
        }

        if (alias == 0 || alias > _broker.Options.TopicAliasMaximum)
        {
            throw new MqttProtocolException("Topic alias 0 or above the maximum", MqttReasonCode.TopicAliasInvalid, alias); // [MQTT-3.3.2-8/9]
        }

        // Allocated on first use: most connections never send an alias.
        var aliases = _topicAliases ??= new string?[_broker.Options.TopicAliasMaximum + 1];

        if (publish.Topic.Length > 0)
        {
            aliases[alias] = publish.Topic;
            return publish.Topic;
        }

        return aliases[alias] ?? throw new MqttProtocolException("Unknown topic alias", MqttReasonCode.ProtocolError, alias);
    }

    private async ValueTask HandleSubscribeAsync(BrokerSession session, SubscribePacket subscribe)
    {
        var subAck = new SubAckPacket { PacketId = subscribe.PacketId };
        var subscriptionId = subscribe.Properties?.SubscriptionIdentifiers?[0];
        var accepted = new List<BrokerSubscription>();
        foreach (var request in subscribe.Filters)
        {
            if (!MqttTopic.IsValidFilter(request.Filter))
            {
                subAck.ReasonCodes.Add(MqttReasonCode.TopicFilterInvalid);
                continue;
            }

            var shared = MqttTopic.TryParseShared(request.Filter, out var group, out var inner);
            if (shared && request.NoLocal)
            {
                throw new MqttProtocolException("No Local on a shared subscription", MqttReasonCode.ProtocolError, request.Filter); // [MQTT-3.8.3-4]
            }

            if (!await _broker.MaySubscribeAsync(new MqttSubscribeContext { ClientId = ClientId, Username = _connect!.Username, TopicFilter = request.Filter, Qos = request.Qos }))
            {
                _broker.Log.NotAuthorized(ClientId, "subscribe to", request.Filter);
                subAck.ReasonCodes.Add(MqttReasonCode.NotAuthorized);
                continue;
            }

            var subscription = new BrokerSubscription(session, request, shared ? inner : request.Filter, shared ? group : null, subscriptionId);
            if (!_broker.Subscribe(session, subscription, out var existed))
            {
                subAck.ReasonCodes.Add(MqttReasonCode.QuotaExceeded);
                continue;
            }

            subAck.ReasonCodes.Add((MqttReasonCode)request.Qos);

            // §3.3.1.3 Retain Handling: 0 = always send retained, 1 = only for a new subscription, 2 = never.
            // Shared subscriptions receive no retained messages (§4.8.2).
            if (!shared && (request.RetainHandling == 0 || (request.RetainHandling == 1 && !existed)))
            {
                accepted.Add(subscription);
            }
        }

        Send(subAck);
        foreach (var subscription in accepted)
        {
            _broker.SendRetained(subscription);
        }
    }

    private async Task WriteLoopAsync()
    {
        var output = _transport.Output;
        var reader = _outbound;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out var packet))
                {
                    var newAlias = packet is PublishPacket aliased && _outgoingAliases is { } aliases ? aliases.Apply(aliased) : (ushort)0;
                    var size = _encoder.Encode(packet, output, _maxOutgoingPacketSize);
                    if (size == 0 && newAlias != 0)
                    {
                        _outgoingAliases!.Forget(newAlias);
                    }

                    if (packet is PublishPacket publish)
                    {
                        if (publish.Qos == MqttQualityOfService.AtMostOnce)
                        {
                            Interlocked.Decrement(ref _queuedQos0);
                        }
                        else if (size == 0)
                        {
                            _session?.Discarded(publish.PacketId);
                        }
                    }

                    if (output.UnflushedBytes > 64 * 1024)
                    {
                        await FlushAsync(output);
                    }
                }

                await FlushAsync(output);

                // Going idle: an idle connection holds no encoder buffers and no queue array.
                if (reader.IsEmpty)
                {
                    _encoder.ReleaseBuffers();
                    reader.Trim();
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            _broker.Log.ConnectionFailed(ClientId, e.Message);
        }
        finally
        {
            // A broken writer must stop the reader too, or the connection would linger half-dead.
            await _abort.CancelAsync();
        }
    }

    private async ValueTask FlushAsync(PipeWriter output)
    {
        var result = await output.FlushAsync(_writeAbort.Token);
        if (result.IsCompleted)
        {
            throw new IOException("The peer stopped reading");
        }
    }

    private async Task CloseAsync(Task writer)
    {
        await _keepAliveTimer.DisposeAsync();
        if (_session is { } session)
        {
            _broker.Detach(this, session, _sendWill ? _connect : null);
        }

        if (_closeReason is { } reason && reason != MqttReasonCode.Success)
        {
            if (_connect is null && (Version == MqttProtocolVersion.V500 || reason == MqttReasonCode.UnsupportedProtocolVersion))
            {
                // A CONNECT that could not be accepted is answered with CONNACK, not DISCONNECT (§3.2.2.2).
                var code = (MqttConnectReasonCode)reason;
                var v5 = Version == MqttProtocolVersion.V500;
                Send(new ConnAckPacket { ReasonCode = v5 ? (byte)code : ToV311ReturnCode(code), Properties = v5 ? ReasonStringProperties() : null });
            }
            else if (_connect is not null && Version == MqttProtocolVersion.V500)
            {
                // 5.0 §4.13: tell the client why before closing; 3.1.1 just closes.
                Send(new DisconnectPacket { ReasonCode = reason, Properties = ReasonStringProperties() });
            }
        }

        _outbound.Complete();

        // Give the writer a moment to drain (CONNACK refusal, DISCONNECT); a peer that does not read loses it.
        await Task.WhenAny(writer, Task.Delay(TimeSpan.FromSeconds(1)));
        await _writeAbort.CancelAsync();
        await _abort.CancelAsync();
        await writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _transport.Input.CompleteAsync();
        await PipeCompletion.CompleteQuietlyAsync(_transport.Output);
    }

    /// <summary>
    /// 5.0 §3.14.2.2.3: a Reason String tells the client why, for diagnostics. Kept short, and left out when it
    /// would push the packet past the client's Maximum Packet Size (which would lose the packet altogether).
    /// </summary>
    private MqttProperties? ReasonStringProperties()
    {
        const int MaxLength = 160;
        if (_closeDetail is not { } detail)
        {
            return null;
        }

        // The detail may quote the client's bad value: an MQTT string may carry neither U+0000 nor a lone surrogate.
        var text = new System.Text.StringBuilder(Math.Min(detail.Length, MaxLength));
        foreach (var rune in detail.EnumerateRunes())
        {
            if (text.Length + rune.Utf16SequenceLength > MaxLength)
            {
                break;
            }

            text.Append(rune.Value == 0 || rune == System.Text.Rune.ReplacementChar ? "?" : rune.ToString());
        }

        var reason = text.ToString();
        return 16 + System.Text.Encoding.UTF8.GetByteCount(reason) <= _maxOutgoingPacketSize ? new MqttProperties { ReasonString = reason } : null;
    }

    private void CheckKeepAlive()
    {
        if (_keepAliveLimit == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        var silent = _broker.TimeProvider.GetElapsedTime(_lastActivity);
        if (silent >= _keepAliveLimit)
        {
            _broker.Log.KeepAliveExpired(ClientId, _keepAliveLimit);
            Close(MqttReasonCode.KeepAliveTimeout);
            return;
        }

        try
        {
            _keepAliveTimer.Change(_keepAliveLimit - silent, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
