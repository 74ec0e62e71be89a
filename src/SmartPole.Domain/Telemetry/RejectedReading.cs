namespace SmartPole.Domain.Telemetry;

/// <summary>A device reading that was dead-lettered while the rest of its frame went on.</summary>
/// <param name="DeviceId">The device id as sent (may be empty when it was missing).</param>
/// <param name="Reason">Why, in words an operator understands.</param>
public sealed record RejectedReading(string DeviceId, string Reason);
