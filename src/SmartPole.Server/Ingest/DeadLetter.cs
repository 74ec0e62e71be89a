namespace SmartPole.Server.Ingest;

/// <summary>Input the platform could not use, kept with the reason.</summary>
/// <param name="At">When it arrived.</param>
/// <param name="Topic">MQTT topic it came on.</param>
/// <param name="ClientId">MQTT client id of the sender.</param>
/// <param name="Device">Device id when only one device's reading was refused, else null.</param>
/// <param name="Reason">Why it was refused.</param>
/// <param name="Payload">The start of the payload (at most 512 characters).</param>
public sealed record DeadLetter(DateTimeOffset At, string Topic, string? ClientId, string? Device, string Reason, string Payload);
