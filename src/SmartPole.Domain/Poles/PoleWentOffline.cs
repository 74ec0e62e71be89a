namespace SmartPole.Domain.Poles;

/// <summary>The pole became unreachable.</summary>
/// <param name="City">City id.</param>
/// <param name="Pole">Pole id.</param>
/// <param name="At">When.</param>
/// <param name="Reason"><c>will</c> (its gateway's will said offline) or <c>silence</c> (nothing heard for too long).</param>
public sealed record PoleWentOffline(string City, string Pole, DateTimeOffset At, string Reason) : TwinEvent(City, Pole, At);
