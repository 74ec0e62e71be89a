using SmartPole.Mqtt.Packets;

namespace SmartPole.Mqtt.Broker;

/// <summary>
/// The state a broker keeps for one client identifier, across connections when the session is
/// persistent: subscriptions, QoS 1/2 messages in flight or queued, QoS 2 packet ids received but
/// not yet released, and a will waiting for its delay.
/// </summary>
internal sealed class BrokerSession(string clientId, MqttBroker broker)
{
    private readonly Lock _gate = new();
    private readonly Queue<OutgoingMessage> _pending = new();
    private readonly Dictionary<ushort, InflightEntry> _inflight = [];
    private readonly HashSet<ushort> _incomingQos2 = [];
    private ushort _lastPacketId;
    private long _sequence;
    private BrokerConnection? _connection;
    private ITimer? _expiryTimer;
    private ITimer? _willTimer;
    private MqttApplicationMessage? _pendingWill;
    private long? _offlineSince;

    public string ClientId => clientId;

    /// <summary>The connection that owns the session (set at CONNECT, before CONNACK is sent). Guarded by the broker's session table lock.</summary>
    public BrokerConnection? Owner { get; set; }

    /// <summary>Subscriptions by the filter the client sent. Guarded by the broker's session table lock.</summary>
    public Dictionary<string, BrokerSubscription> Subscriptions { get; } = new(StringComparer.Ordinal);

    /// <summary>Seconds the session outlives its connection; 0 = ends with it, uint.MaxValue = never expires.</summary>
    public uint ExpiryInterval { get; set; }

    /// <summary>Set once the session has ended (clean start, expiry): no more deliveries.</summary>
    public bool Ended { get; private set; }

    public bool IsConnected => Volatile.Read(ref _connection) is not null;

    /// <summary>QoS 2 publishes received and not yet released by PUBREL (the client's receive-maximum usage).</summary>
    public int IncomingQos2Count
    {
        get
        {
            lock (_gate)
            {
                return _incomingQos2.Count;
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="connection"/> the live connection: sends CONNACK first, then resends
    /// what was in flight (§4.4: PUBLISH with DUP, or PUBREL), then what was queued.
    /// </summary>
    public void Resume(BrokerConnection connection, ConnAckPacket connAck)
    {
        lock (_gate)
        {
            _expiryTimer?.Dispose();
            _expiryTimer = null;
            _offlineSince = null;
            CancelWillLocked();
            connection.Send(connAck);
            _connection = connection;
            foreach (var (id, entry) in _inflight.OrderBy(e => e.Value.Sequence))
            {
                if (entry.AwaitingPubComp)
                {
                    connection.Send(new AckPacket(MqttPacketType.PubRel, id));
                }
                else
                {
                    connection.SendPublish(entry.Message, id, dup: true);
                }
            }

            PumpLocked(connection);
        }
    }

    /// <summary>Detaches <paramref name="connection"/> if it is still the live one.</summary>
    public void Disconnected(BrokerConnection connection)
    {
        lock (_gate)
        {
            if (_connection == connection)
            {
                _connection = null;
            }
        }
    }

    /// <summary>Hands a message to the client now, or queues it (QoS 1/2) when offline or the in-flight window is full.</summary>
    public void Deliver(OutgoingMessage message)
    {
        lock (_gate)
        {
            if (Ended)
            {
                return;
            }

            var connection = _connection;
            if (message.Qos == MqttQualityOfService.AtMostOnce)
            {
                // QoS 0 is never stored for an offline client (§4.3.1 allows dropping it).
                connection?.TrySendQos0(message);
                return;
            }

            broker.StateChanged();
            if (connection is not null && _pending.Count == 0 && _inflight.Count < connection.SendQuota)
            {
                SendLocked(connection, message);
                return;
            }

            if (_pending.Count >= broker.Options.MaxQueuedMessagesPerSession)
            {
                broker.MessageDropped(clientId, message.Message.Topic);
                return;
            }

            _pending.Enqueue(message);
        }
    }

    /// <summary>PUBACK: a QoS 1 delivery is complete.</summary>
    public bool Acknowledge(ushort packetId, bool pubComp)
    {
        lock (_gate)
        {
            if (!_inflight.TryGetValue(packetId, out var entry) || entry.AwaitingPubComp != pubComp || (!pubComp && entry.Message.Qos != MqttQualityOfService.AtLeastOnce))
            {
                return false;
            }

            _inflight.Remove(packetId);
            broker.StateChanged();
            if (_connection is { } connection)
            {
                PumpLocked(connection);
            }

            return true;
        }
    }

    /// <summary>PUBREC: the QoS 2 message arrived; from now on only PUBREL is resent. A failure code ends the delivery.</summary>
    public bool Received(ushort packetId, bool failed)
    {
        lock (_gate)
        {
            if (!_inflight.TryGetValue(packetId, out var entry) || entry.Message.Qos != MqttQualityOfService.ExactlyOnce)
            {
                return false;
            }

            broker.StateChanged();
            if (failed)
            {
                _inflight.Remove(packetId);
                if (_connection is { } connection)
                {
                    PumpLocked(connection);
                }
            }
            else
            {
                entry.AwaitingPubComp = true;
            }

            return true;
        }
    }

    /// <summary>A QoS 1/2 PUBLISH could not be sent at all (larger than the client accepts): treat it as delivered (5.0 §3.1.2.11.4).</summary>
    public void Discarded(ushort packetId)
    {
        lock (_gate)
        {
            if (_inflight.Remove(packetId) && _connection is { } connection)
            {
                PumpLocked(connection);
            }
        }
    }

    /// <summary>Records an incoming QoS 2 packet id; false when it is a resend of one not yet released.</summary>
    public bool BeginIncomingQos2(ushort packetId)
    {
        lock (_gate)
        {
            broker.StateChanged();
            return _incomingQos2.Add(packetId);
        }
    }

    /// <summary>PUBREL from the client: forget the packet id; false when it was unknown.</summary>
    public bool ReleaseIncomingQos2(ushort packetId)
    {
        lock (_gate)
        {
            broker.StateChanged();
            return _incomingQos2.Remove(packetId);
        }
    }

    /// <summary>Keeps the will until <paramref name="delay"/> passes or the session ends (5.0 §3.1.3.2.2).</summary>
    public void ScheduleWill(MqttApplicationMessage will, TimeSpan delay)
    {
        lock (_gate)
        {
            CancelWillLocked();
            _pendingWill = will;
            _willTimer = broker.TimeProvider.CreateTimer(_ => PublishPendingWill(), null, delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Starts the expiry countdown of an offline persistent session.</summary>
    public void StartExpiry(TimeSpan after, Action<BrokerSession> expire)
    {
        lock (_gate)
        {
            _expiryTimer?.Dispose();
            _offlineSince = broker.TimeProvider.GetTimestamp() - (long)((ExpiryInterval - after.TotalSeconds) * broker.TimeProvider.TimestampFrequency);
            _expiryTimer = broker.TimeProvider.CreateTimer(_ => expire(this), null, after, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Ends the session: timers stop, queued messages go, a pending will is published now.</summary>
    public void End()
    {
        lock (_gate)
        {
            Ended = true;
            _expiryTimer?.Dispose();
            _expiryTimer = null;
            _pending.Clear();
            _inflight.Clear();
            _incomingQos2.Clear();
        }

        PublishPendingWill();
    }

    /// <summary>The broker stopped: no expiry and no delayed will fires any more.</summary>
    public void StopTimers()
    {
        lock (_gate)
        {
            _expiryTimer?.Dispose();
            _expiryTimer = null;
            _willTimer?.Dispose();
            _willTimer = null;
        }
    }

    /// <summary>Seconds of expiry left: the full interval while connected; null when the session never expires.</summary>
    public double? ExpiryLeftSeconds()
    {
        lock (_gate)
        {
            if (ExpiryInterval == uint.MaxValue)
            {
                return null;
            }

            return _offlineSince is { } since ? ExpiryInterval - broker.TimeProvider.GetElapsedTime(since).TotalSeconds : ExpiryInterval;
        }
    }

    /// <summary>Copies what is in flight, queued and half-received into a snapshot entry, oldest first.</summary>
    public void CaptureQueues(BrokerSnapshot.SessionEntry entry, Func<OutgoingMessage, BrokerSnapshot.QueuedEntry> convert)
    {
        lock (_gate)
        {
            foreach (var (id, inflight) in _inflight.OrderBy(e => e.Value.Sequence))
            {
                entry.Inflight.Add((id, inflight.AwaitingPubComp, convert(inflight.Message)));
            }

            foreach (var message in _pending)
            {
                entry.Pending.Add(convert(message));
            }

            entry.IncomingQos2.AddRange(_incomingQos2);
        }
    }

    /// <summary>Puts back what a snapshot held: in-flight messages keep their packet ids (resent with DUP, or PUBREL, on resume).</summary>
    public void RestoreQueues(BrokerSnapshot.SessionEntry entry, Func<BrokerSnapshot.QueuedEntry, OutgoingMessage> convert)
    {
        lock (_gate)
        {
            foreach (var (id, awaitingPubComp, message) in entry.Inflight)
            {
                _inflight[id] = new InflightEntry(convert(message), _sequence++) { AwaitingPubComp = awaitingPubComp };
                _lastPacketId = id;
            }

            foreach (var message in entry.Pending)
            {
                _pending.Enqueue(convert(message));
            }

            _incomingQos2.UnionWith(entry.IncomingQos2);
        }
    }

    private void PublishPendingWill()
    {
        MqttApplicationMessage? will;
        lock (_gate)
        {
            will = _pendingWill;
            CancelWillLocked();
        }

        if (will is not null)
        {
            broker.PublishWill(clientId, will);
        }
    }

    private void CancelWillLocked()
    {
        _willTimer?.Dispose();
        _willTimer = null;
        _pendingWill = null;
    }

    private void PumpLocked(BrokerConnection connection)
    {
        while (_inflight.Count < connection.SendQuota && _pending.TryDequeue(out var next))
        {
            SendLocked(connection, next);
        }
    }

    private void SendLocked(BrokerConnection connection, OutgoingMessage message)
    {
        if (broker.IsExpired(message))
        {
            return;
        }

        var id = NextPacketIdLocked();
        _inflight[id] = new InflightEntry(message, _sequence++);
        connection.SendPublish(message, id, dup: false);
    }

    private ushort NextPacketIdLocked()
    {
        do
        {
            _lastPacketId = _lastPacketId == ushort.MaxValue ? (ushort)1 : (ushort)(_lastPacketId + 1);
        }
        while (_inflight.ContainsKey(_lastPacketId));
        return _lastPacketId;
    }

    private sealed class InflightEntry(OutgoingMessage message, long sequence)
    {
        public OutgoingMessage Message => message;

        public long Sequence => sequence;

        public bool AwaitingPubComp { get; set; }
    }
}
