using SmartPole.Domain.Telemetry;

namespace SmartPole.Domain.Poles;

/// <summary>
/// The live twin of one pole: the latest value of every device metric and the frame sequence
/// bookkeeping. Plain state and methods, no I/O, so any actor host can wrap it.
/// </summary>
public sealed class PoleTwin
{
    private readonly Dictionary<string, DeviceState> _devices = new(StringComparer.Ordinal);

    /// <summary>Creates the twin of <paramref name="pole"/> in <paramref name="city"/>.</summary>
    public PoleTwin(string city, string pole)
    {
        City = city;
        Pole = pole;
    }

    /// <summary>City id.</summary>
    public string City { get; }

    /// <summary>Pole id.</summary>
    public string Pole { get; }

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

    /// <summary>
    /// Applies <paramref name="frame"/> unless it repeats one already applied. Returns what the
    /// sequence number meant; a <see cref="SeqOutcome.Duplicate"/> changes nothing but the count.
    /// </summary>
    public SeqOutcome Apply(TelemetryFrame frame)
    {
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
        foreach (var reading in frame.Devices)
        {
            if (!_devices.TryGetValue(reading.DeviceId, out var device))
            {
                device = new DeviceState(reading.Kind);
                _devices.Add(reading.DeviceId, device);
            }

            device.Kind = reading.Kind;
            device.Timestamp = frame.Timestamp;
            foreach (var metric in reading.Metrics)
            {
                device.Metrics[metric.Name] = metric.Value;
            }
        }

        return outcome;
    }

    /// <summary>The latest reading of <paramref name="metric"/> on <paramref name="deviceId"/>, if any.</summary>
    public MetricReading? Latest(string deviceId, string metric) =>
        _devices.TryGetValue(deviceId, out var device) && device.Metrics.TryGetValue(metric, out var value)
            ? new MetricReading(value, device.Timestamp)
            : null;

    /// <summary>An immutable copy of the twin's state.</summary>
    public PoleSnapshot ToSnapshot() => new(
        City,
        Pole,
        LastSeen,
        LastSeq,
        Frames,
        LostFrames,
        Duplicates,
        _devices
            .OrderBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => new DeviceSnapshot(
                d.Key,
                MetricCatalog.WireName(d.Value.Kind),
                d.Value.Timestamp,
                d.Value.Metrics.ToDictionary(m => m.Key, m => m.Value.ToObject(), StringComparer.Ordinal)))
            .ToList());

    private SeqOutcome Classify(TelemetryFrame frame)
    {
        if (LastSeq < 0 || frame.Seq > LastSeq)
        {
            return SeqOutcome.Accepted;
        }

        // A lower or equal seq is a repeat, unless the pole's clock moved on: then its gateway restarted.
        return LastSeen is { } seen && frame.Timestamp > seen ? SeqOutcome.NewEpoch : SeqOutcome.Duplicate;
    }

    private sealed class DeviceState(DeviceKind kind)
    {
        public DeviceKind Kind { get; set; } = kind;

        public DateTimeOffset Timestamp { get; set; }

        public Dictionary<string, MetricValue> Metrics { get; } = new(StringComparer.Ordinal);
    }
}
