namespace SmartPole.Simulation;

/// <summary>
/// The time device models run on. At speed 1 it is the real clock; at speed N simulated time runs
/// N times faster from <c>simulatedStart</c> (e.g. 60 = one simulated hour per real minute, for
/// exhibitions). Frames keep the real time as their timestamp so the platform stores them normally.
/// </summary>
public sealed class SimulationClock
{
    private readonly TimeProvider _real;
    private readonly DateTimeOffset _realStart;
    private readonly DateTimeOffset _simulatedStart;

    /// <summary>Starts the clock.</summary>
    /// <param name="real">The real clock (default <see cref="TimeProvider.System"/>).</param>
    /// <param name="speed">How many simulated seconds pass per real second (default 1; must be &gt; 0).</param>
    /// <param name="simulatedStart">The simulated time at start (default: the real time now).</param>
    public SimulationClock(TimeProvider? real = null, double speed = 1, DateTimeOffset? simulatedStart = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(speed);
        _real = real ?? TimeProvider.System;
        Speed = speed;
        _realStart = _real.GetUtcNow();
        _simulatedStart = simulatedStart ?? _realStart;
    }

    /// <summary>Simulated seconds per real second.</summary>
    public double Speed { get; }

    /// <summary>The real time now.</summary>
    public DateTimeOffset RealNow => _real.GetUtcNow();

    /// <summary>The simulated time now.</summary>
    public DateTimeOffset Now => ToSimulated(_real.GetUtcNow());

    /// <summary>The simulated time at real time <paramref name="real"/>.</summary>
    public DateTimeOffset ToSimulated(DateTimeOffset real) =>
        Speed == 1 && _simulatedStart == _realStart ? real : _simulatedStart + ((real - _realStart) * Speed);
}
