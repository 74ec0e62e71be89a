using System.Text;

namespace SmartPole.Server.Ingest;

/// <summary>
/// Counts every dead letter and keeps the most recent ones for <c>/api/deadletters</c>. Bounded:
/// a flood of bad input costs a fixed amount of memory.
/// </summary>
internal sealed partial class DeadLetterLog(TimeProvider timeProvider, ILogger<DeadLetterLog> logger)
{
    /// <summary>How many recent dead letters are kept.</summary>
    public const int Capacity = 1000;

    private const int PayloadExcerpt = 512;
    private readonly Queue<DeadLetter> _recent = new();
    private readonly Lock _gate = new();
    private long _total;

    /// <summary>Dead letters since start.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Records a dead letter.</summary>
    public void Add(string topic, string? clientId, string? device, string reason, ReadOnlySpan<byte> payload)
    {
        var excerpt = Encoding.UTF8.GetString(payload[..Math.Min(payload.Length, PayloadExcerpt)]);
        var letter = new DeadLetter(timeProvider.GetUtcNow(), topic, clientId, device, reason, excerpt);
        lock (_gate)
        {
            _total++;
            _recent.Enqueue(letter);
            if (_recent.Count > Capacity)
            {
                _recent.Dequeue();
            }
        }

        LogDeadLetter(topic, clientId, device, reason);
    }

    /// <summary>The most recent dead letters, newest first.</summary>
    public IReadOnlyList<DeadLetter> Recent(int max)
    {
        lock (_gate)
        {
            return _recent.Reverse().Take(max).ToList();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead letter on {Topic} from {ClientId} (device {Device}): {Reason}")]
    private partial void LogDeadLetter(string topic, string? clientId, string? device, string reason);
}
