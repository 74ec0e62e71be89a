using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SmartPole.Mqtt.Transport;
using SmartPole.Mqtt.Client;
using SmartPole.Mqtt.Formatter;
using SmartPole.Mqtt.Packets;
using SmartPole.Mqtt.Topics;

namespace SmartPole.Mqtt;

/// <summary>
/// An MQTT 3.1.1 / 5.0 client over TCP: QoS 0/1/2 with an in-flight window, subscribe, will and
/// keep-alive. Fully asynchronous, so thousands of instances share the thread pool.
/// </summary>
public sealed class MqttClient : IAsyncDisposable
{
    private readonly MqttClientOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<ushort, TaskCompletionSource<MqttPacket>> _pending = new();
    private readonly ConcurrentDictionary<ushort, byte> _incomingQos2 = new();
    private SemaphoreSlim _inflight;
    private MqttPacketDecoder _decoder;
    private MqttPacketEncoder _encoder;
    private Socket? _socket;
    private NetworkStream? _stream;
    private SocketDuplexPipe? _transport;
    private CancellationTokenSource _closing = new();
    private Channel<PublishPacket>? _inbound;
    private Task _readLoop = Task.CompletedTask;
    private Task _dispatchLoop = Task.CompletedTask;
    private ITimer? _keepAliveTimer;
    private TaskCompletionSource<ConnAckPacket>? _connAck;
    private long _lastSent;
    private long _pingSentAt;
    private TimeSpan _keepAlive;
    private int _lastPacketId;
    private long _maxOutgoingPacketSize = long.MaxValue;
    private volatile bool _connected;

    /// <summary>Creates a client; nothing happens until <see cref="ConnectAsync"/>.</summary>
    public MqttClient(MqttClientOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _inflight = new SemaphoreSlim(Math.Max(1, options.MaxInflight));
        _decoder = new MqttPacketDecoder(options.ProtocolVersion, options.MaxPacketSize);
        _encoder = new MqttPacketEncoder(options.ProtocolVersion);
        ClientId = options.ClientId;
    }

    /// <summary>True between a successful CONNACK and the end of the connection.</summary>
    public bool IsConnected => _connected;

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

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.ConnectTimeout);
        _closing.Dispose();
        _closing = new CancellationTokenSource();
        _decoder = new MqttPacketDecoder(_options.ProtocolVersion, _options.MaxPacketSize);
        _encoder.Dispose();
        _encoder = new MqttPacketEncoder(_options.ProtocolVersion);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_options.Host, _options.Port, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            ct.ThrowIfCancellationRequested();
            throw new MqttConnectException($"Cannot connect to the MQTT broker at {_options.Host}:{_options.Port}: {e.Message}", e);
        }

        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _transport = new SocketDuplexPipe(_stream);
        _connAck = new TaskCompletionSource<ConnAckPacket>(TaskCreationOptions.RunContinuationsAsynchronously);
        _inbound = Channel.CreateBounded<PublishPacket>(new BoundedChannelOptions(256) { SingleReader = true, SingleWriter = true });
        _readLoop = ReadLoopAsync(_transport.Input, _closing.Token);
        _dispatchLoop = DispatchLoopAsync(_inbound.Reader);

        ConnAckPacket connAck;
        try
        {
            await SendAsync(BuildConnect(), timeout.Token);
            connAck = await _connAck.Task.WaitAsync(timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            await AbortAsync();
            ct.ThrowIfCancellationRequested();
            throw new MqttConnectException($"The MQTT broker at {_options.Host}:{_options.Port} did not accept the connection: {e.Message}", e);
        }

        if (connAck.ReasonCode != 0)
        {
            await AbortAsync();
            throw new MqttConnectException(FromReturnCode(connAck.ReasonCode), connAck.Properties?.ReasonString);
        }

        ApplyConnAck(connAck);
        _connected = true;
        _logger.Connected(ClientId, _options.Host, _options.Port, connAck.SessionPresent);
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
            await SendAsync(packet, ct);
            return;
        }

        await _inflight.WaitAsync(ct);
        try
        {
            var (id, reply) = Register();
            packet.PacketId = id;
            await SendAsync(packet, ct);
            var ack = (AckPacket)await reply.WaitAsync(ct);
            if ((byte)ack.ReasonCode >= 0x80)
            {
                throw new MqttRefusedException($"The broker refused the publish on '{message.Topic}'", ack.ReasonCode);
            }
        }
        finally
        {
            _inflight.Release();
        }
    }

    /// <summary>Subscribes to one filter; throws <see cref="MqttRefusedException"/> when SUBACK refuses it.</summary>
    public async Task SubscribeAsync(string topicFilter, MqttQualityOfService qos, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(topicFilter);
        if (!MqttTopic.IsValidFilter(topicFilter))
        {
            throw new ArgumentException($"'{topicFilter}' is not a valid topic filter.", nameof(topicFilter));
        }

        var (id, reply) = Register();
        var subscribe = new SubscribePacket { PacketId = id };
        subscribe.Filters.Add(new MqttTopicFilter(topicFilter, qos));
        await SendAsync(subscribe, ct);
        var subAck = (SubAckPacket)await reply.WaitAsync(ct);
        var code = subAck.ReasonCodes.Count > 0 ? subAck.ReasonCodes[0] : MqttReasonCode.UnspecifiedError;
        if ((byte)code >= 0x80)
        {
            throw new MqttRefusedException($"The broker refused the subscription to '{topicFilter}'", code);
        }
    }

    /// <summary>Removes a subscription; waits for UNSUBACK.</summary>
    public async Task UnsubscribeAsync(string topicFilter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(topicFilter);
        var (id, reply) = Register();
        var unsubscribe = new UnsubscribePacket { PacketId = id };
        unsubscribe.Filters.Add(topicFilter);
        await SendAsync(unsubscribe, ct);
        var unsubAck = (UnsubAckPacket)await reply.WaitAsync(ct);
        if (unsubAck.ReasonCodes.Count > 0 && (byte)unsubAck.ReasonCodes[0] >= 0x80)
        {
            throw new MqttRefusedException($"The broker refused to unsubscribe '{topicFilter}'", unsubAck.ReasonCodes[0]);
        }
    }

    /// <summary>Sends DISCONNECT (so no will is published) and closes the connection.</summary>
    public async Task DisconnectAsync(CancellationToken ct = default)
    {
        if (_connected)
        {
            _connected = false;
            try
            {
                await SendAsync(new DisconnectPacket(), ct);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }

        await AbortAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync();
        _closing.Dispose();
        _encoder.Dispose();
        _writeLock.Dispose();
        _inflight.Dispose();
    }

    private static MqttConnectReasonCode FromReturnCode(byte code) => code switch
    {
        1 => MqttConnectReasonCode.UnsupportedProtocolVersion,
        2 => MqttConnectReasonCode.ClientIdentifierNotValid,
        3 => MqttConnectReasonCode.ServerUnavailable,
        4 => MqttConnectReasonCode.BadUserNameOrPassword,
        5 => MqttConnectReasonCode.NotAuthorized,
        _ => (MqttConnectReasonCode)code,
    };

    private ConnectPacket BuildConnect()
    {
        var v5 = _options.ProtocolVersion == MqttProtocolVersion.V500;
        var connect = new ConnectPacket
        {
            ProtocolVersion = _options.ProtocolVersion,
            ClientId = _options.ClientId,
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

    private void ApplyConnAck(ConnAckPacket connAck)
    {
        var p = connAck.Properties;
        if (p?.AssignedClientIdentifier is { } assigned)
        {
            ClientId = assigned;
        }

        if (p?.ReceiveMaximum is { } receiveMaximum && receiveMaximum < _options.MaxInflight)
        {
            // 5.0 §3.3.4: never more unacknowledged QoS 1/2 publishes than the broker's Receive Maximum.
            _inflight.Dispose();
            _inflight = new SemaphoreSlim(receiveMaximum);
        }

        if (p?.MaximumPacketSize is { } maxPacketSize)
        {
            _maxOutgoingPacketSize = maxPacketSize;
        }

        _keepAlive = p?.ServerKeepAlive is { } serverKeepAlive ? TimeSpan.FromSeconds(serverKeepAlive) : _options.KeepAlive;
        if (_keepAlive > TimeSpan.Zero)
        {
            _keepAliveTimer = _time.CreateTimer(_ => OnKeepAliveTick(), null, _keepAlive / 4, _keepAlive / 4);
        }
    }

    private (ushort Id, Task<MqttPacket> Reply) Register()
    {
        var reply = new TaskCompletionSource<MqttPacket>(TaskCreationOptions.RunContinuationsAsynchronously);
        while (true)
        {
            var id = (ushort)((uint)Interlocked.Increment(ref _lastPacketId) % 65535 + 1);
            if (_pending.TryAdd(id, reply))
            {
                return (id, reply.Task);
            }
        }
    }

    private async Task SendAsync(MqttPacket packet, CancellationToken ct)
    {
        var transport = _transport ?? throw new InvalidOperationException("The client is not connected.");
        await _writeLock.WaitAsync(ct);
        try
        {
            if (_encoder.Encode(packet, transport.Output, _maxOutgoingPacketSize) == 0)
            {
                throw new MqttRefusedException("The packet is larger than the broker accepts", MqttReasonCode.PacketTooLarge);
            }

            _lastSent = _time.GetTimestamp();
            var result = await transport.Output.FlushAsync(ct);
            if (result.IsCompleted)
            {
                throw new IOException("The connection to the broker is closed.");
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync(PipeReader input, CancellationToken ct)
    {
        var reason = "the broker closed the connection";
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(ct);
                var buffer = result.Buffer;
                try
                {
                    while (_decoder.TryDecode(ref buffer, out var packet))
                    {
                        await HandleAsync(packet!, ct);
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
            OnConnectionEnded(reason);
        }
    }

    private async ValueTask HandleAsync(MqttPacket packet, CancellationToken ct)
    {
        switch (packet)
        {
            case ConnAckPacket connAck:
                _connAck?.TrySetResult(connAck);
                break;
            case PublishPacket publish:
                await _inbound!.Writer.WriteAsync(publish, ct);
                break;
            case AckPacket { Type: MqttPacketType.PubRec } pubRec:
                if ((byte)pubRec.ReasonCode >= 0x80)
                {
                    Complete(pubRec.PacketId, pubRec);
                }
                else
                {
                    await SendAsync(new AckPacket(MqttPacketType.PubRel, pubRec.PacketId), ct);
                }

                break;
            case AckPacket { Type: MqttPacketType.PubRel } pubRel:
                _incomingQos2.TryRemove(pubRel.PacketId, out _);
                await SendAsync(new AckPacket(MqttPacketType.PubComp, pubRel.PacketId), ct);
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
                Interlocked.Exchange(ref _pingSentAt, 0);
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
            waiter.TrySetResult(reply);
        }
    }

    private async Task DispatchLoopAsync(ChannelReader<PublishPacket> reader)
    {
        // Handlers run here, not on the read loop, so a handler that publishes (and awaits PUBACK) cannot deadlock.
        await foreach (var publish in reader.ReadAllAsync())
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
                        await SendAsync(new AckPacket(MqttPacketType.PubAck, publish.PacketId), CancellationToken.None);
                        break;
                    case MqttQualityOfService.ExactlyOnce:
                        await SendAsync(new AckPacket(MqttPacketType.PubRec, publish.PacketId), CancellationToken.None);
                        break;
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
            {
                return;
            }
        }
    }

    private void OnKeepAliveTick()
    {
        if (!_connected)
        {
            return;
        }

        var pingSentAt = Interlocked.Read(ref _pingSentAt);
        if (pingSentAt != 0 && _time.GetElapsedTime(pingSentAt) >= _keepAlive)
        {
            _logger.PingTimeout(ClientId, _keepAlive);
            _closing.Cancel();
            return;
        }

        if (pingSentAt == 0 && _time.GetElapsedTime(_lastSent) >= _keepAlive * 0.75)
        {
            Interlocked.Exchange(ref _pingSentAt, _time.GetTimestamp());
            _ = SendPingAsync();
        }
    }

    private async Task SendPingAsync()
    {
        try
        {
            await SendAsync(PingReqPacket.Instance, _closing.Token);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
        }
    }

    private void OnConnectionEnded(string reason)
    {
        var wasConnected = _connected;
        _connected = false;
        _keepAliveTimer?.Dispose();
        _inbound?.Writer.TryComplete();
        _connAck?.TrySetException(new IOException($"The connection ended before CONNACK: {reason}"));
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var waiter))
            {
                waiter.TrySetException(new IOException($"The connection to the MQTT broker was lost: {reason}"));
            }
        }

        if (wasConnected)
        {
            _logger.ConnectionLost(ClientId, reason);
        }
    }

    /// <summary>Drops the connection without DISCONNECT, as a network failure would (the broker then publishes the will).</summary>
    internal async Task AbortAsync()
    {
        _connected = false;
        if (!_closing.IsCancellationRequested)
        {
            await _closing.CancelAsync();
        }

        _socket?.Shutdown(SocketShutdown.Both);
        await _readLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _dispatchLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_transport is { } transport)
        {
            await transport.Input.CompleteAsync();
            await transport.Output.CompleteAsync();
        }

        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }

        _socket?.Dispose();
        _socket = null;
        _stream = null;
        _transport = null;
    }
}
