namespace SmartPole.Server.Apis;

/// <summary>One window of a metric's history.</summary>
/// <param name="T">Start of the window.</param>
/// <param name="V">The window's value.</param>
internal sealed record TelemetryPoint(DateTimeOffset T, double V);
