using SmartPole.Domain.Commands;

namespace SmartPole.Domain.Poles;

/// <summary>A command moved on (accepted, sent, acked, failed or timed out).</summary>
/// <param name="City">City id.</param>
/// <param name="Pole">Pole id.</param>
/// <param name="At">When.</param>
/// <param name="Command">The command as it is now.</param>
public sealed record CommandProgressed(string City, string Pole, DateTimeOffset At, CommandRecord Command) : TwinEvent(City, Pole, At);
