namespace SmartPole.Telemetry;

/// <summary>A line the store refused for good, with the store's own message.</summary>
public sealed record TimeSeriesDeadLetter(string Line, string Reason, DateTimeOffset At);
