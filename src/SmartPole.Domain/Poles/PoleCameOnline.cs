namespace SmartPole.Domain.Poles;

/// <summary>The pole is reachable again (a frame, or its gateway announced <c>online</c>).</summary>
/// <param name="City">City id.</param>
/// <param name="Pole">Pole id.</param>
/// <param name="At">When.</param>
public sealed record PoleCameOnline(string City, string Pole, DateTimeOffset At) : TwinEvent(City, Pole, At);
