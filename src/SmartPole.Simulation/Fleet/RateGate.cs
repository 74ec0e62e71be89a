namespace SmartPole.Simulation.Fleet;

/// <summary>
/// Spaces events at most <c>perSecond</c> apart across every caller: each caller reserves the next
/// free slot and waits for it, so the fleet's total rate holds however many poles ask.
/// </summary>
internal sealed class RateGate(double perSecond, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly double _spacingTicks = time.TimestampFrequency / perSecond;
    private double _next = time.GetTimestamp();

    public Task WaitAsync(CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        double slot;
        lock (_gate)
        {
            // A gate idle for a while does not bank a burst: slots start from now.
            slot = Math.Max(_next, now);
            _next = slot + _spacingTicks;
        }

        var wait = (slot - now) / time.TimestampFrequency;
        return wait <= 0.0005 ? Task.CompletedTask : Task.Delay(TimeSpan.FromSeconds(wait), time, cancellationToken);
    }
}
