namespace SmartPole.Telemetry;

/// <summary>
/// The history of one field of the series of <paramref name="Measurement"/> whose tags include
/// <paramref name="Tags"/>, over the half-open range [<paramref name="From"/>, <paramref name="To"/>).
/// With <paramref name="Every"/> the answer is the mean per window, windows aligned to the Unix epoch as
/// InfluxQL's <c>GROUP BY time()</c> aligns them, empty windows omitted; without it, the raw points.
/// </summary>
public sealed record SeriesQuery(
    string Measurement,
    string Field,
    IReadOnlyDictionary<string, string> Tags,
    DateTimeOffset From,
    DateTimeOffset To,
    TimeSpan? Every = null);
