using System.Threading.Tasks.Sources;
using SmartPole.Mqtt.Packets;

namespace SmartPole.Mqtt.Broker;

/// <summary>
/// A connection's outbound packets: many writers, one reader (the connection's write loop). Lighter than an
/// unbounded Channel (no preallocated segment, no completion task), which matters with 10,000 idle connections:
/// an idle queue holds a small array at most (see <see cref="Trim"/>), and waiting costs no allocation.
/// </summary>
internal sealed class OutboundQueue : IValueTaskSource<bool>
{
    private readonly Lock _gate = new();
    private Queue<MqttPacket>? _items;
    private ManualResetValueTaskSourceCore<bool> _signal = new() { RunContinuationsAsynchronously = true };
    private bool _readerWaiting;
    private bool _completed;
    private bool _held;
    private bool _wakeDeferred;

    /// <summary>Adds a packet; false once the queue is completed.</summary>
    public bool TryWrite(MqttPacket packet)
    {
        lock (_gate)
        {
            if (_completed)
            {
                return false;
            }

            (_items ??= new Queue<MqttPacket>()).Enqueue(packet);
            if (!_readerWaiting)
            {
                return true;
            }

            if (_held)
            {
                _wakeDeferred = true;
                return true;
            }

            _readerWaiting = false;
        }

        _signal.SetResult(true);
        return true;
    }

    /// <summary>
    /// Holds the reader's wake-up until <see cref="Release"/>: the connection's read loop holds it while it
    /// handles the packets of one socket read, so their acknowledgements leave in one write and one flush
    /// instead of waking the write loop (and a send) per packet. Packets are queued as usual meanwhile.
    /// </summary>
    public void Hold()
    {
        lock (_gate)
        {
            _held = true;
        }
    }

    /// <summary>Ends a <see cref="Hold"/>, waking the reader when packets arrived meanwhile.</summary>
    public void Release()
    {
        lock (_gate)
        {
            _held = false;
            if (!_wakeDeferred)
            {
                return;
            }

            _wakeDeferred = false;
            if (!_readerWaiting)
            {
                return;
            }

            _readerWaiting = false;
        }

        _signal.SetResult(true);
    }

    /// <summary>No more packets: the reader drains what is queued, then <see cref="WaitToReadAsync"/> answers false.</summary>
    public void Complete()
    {
        bool pending;
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            _wakeDeferred = false;
            if (!_readerWaiting)
            {
                return;
            }

            _readerWaiting = false;

            // Packets queued during a hold are still drained before the reader hears of the end.
            pending = _items is { Count: > 0 };
        }

        _signal.SetResult(pending);
    }

    public bool TryRead(out MqttPacket packet)
    {
        lock (_gate)
        {
            if (_items is { Count: > 0 } items)
            {
                packet = items.Dequeue();
                return true;
            }
        }

        packet = null!;
        return false;
    }

    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _items is not { Count: > 0 };
            }
        }
    }

    /// <summary>
    /// Lets go of an array a burst has grown while the queue is empty (the connection went idle); a small one is
    /// kept, so a steady flow does not allocate a new queue per drain.
    /// </summary>
    public void Trim()
    {
        lock (_gate)
        {
            if (_items is { Count: 0 } items && items.EnsureCapacity(0) > 32)
            {
                _items = null;
            }
        }
    }

    /// <summary>True when a packet can be read; false when the queue is completed and drained. One reader only.</summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (_gate)
        {
            if (_items is { Count: > 0 })
            {
                return new ValueTask<bool>(true);
            }

            if (_completed)
            {
                return new ValueTask<bool>(false);
            }

            _signal.Reset();
            _readerWaiting = true;
            return new ValueTask<bool>(this, _signal.Version);
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _signal.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _signal.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _signal.OnCompleted(continuation, state, token, flags);
}
