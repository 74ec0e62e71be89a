namespace SmartPole.Domain.Alarms;

/// <summary>A span during which crews may open the cabinet without an alarm.</summary>
/// <param name="From">Start (inclusive).</param>
/// <param name="To">End (exclusive).</param>
public sealed record MaintenanceWindow(DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>True when <paramref name="at"/> falls inside the window.</summary>
    public bool Contains(DateTimeOffset at) => at >= From && at < To;
}
