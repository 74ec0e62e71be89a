namespace SmartPole.Telemetry;

/// <summary>
/// The history of one field of the series of <paramref name="Measurement"/> whose tags include
/// <paramref name="Tags"/>, over the half-open range [<paramref name="From"/>, <paramref name="To"/>).
/// With <paramref name="Every"/> the answer is one value per window (the <see cref="Aggregate"/>, mean by
/// default), stamped with the window's start, windows aligned as InfluxQL's <c>GROUP BY time()</c> aligns them
/// (to the Unix epoch, or to local time in <see cref="TimeZone"/>), empty windows omitted. Without it, the raw
/// points; or, when <see cref="Aggregate"/> is set, one value for the whole range, stamped with the selected
/// point's time for Min, Max, First and Last (so Last gives the latest value) and with <paramref name="From"/> otherwise.
/// </summary>
public sealed record SeriesQuery(
    string Measurement,
    string Field,
    IReadOnlyDictionary<string, string> Tags,
    DateTimeOffset From,
    DateTimeOffset To,
    TimeSpan? Every = null)
{
    /// <summary>How the points of a window are reduced; null (the default) means Mean with <see cref="Every"/> and raw points without.</summary>
    public SeriesAggregate? Aggregate { get; init; }

    /// <summary>The zone whose local time aligns the windows (days are the city's days); null (the default) is UTC.</summary>
    public TimeZoneInfo? TimeZone { get; init; }
}
