using SmartPole.Domain.Incidents;

namespace SmartPole.Domain.Poles;

/// <summary>A first alarm opened an incident.</summary>
/// <param name="City">City id.</param>
/// <param name="Pole">Pole id.</param>
/// <param name="At">When.</param>
/// <param name="Incident">The incident as it is now.</param>
public sealed record IncidentOpened(string City, string Pole, DateTimeOffset At, Incident Incident) : TwinEvent(City, Pole, At);
