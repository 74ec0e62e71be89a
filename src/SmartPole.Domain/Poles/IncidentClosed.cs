using SmartPole.Domain.Incidents;

namespace SmartPole.Domain.Poles;

/// <summary>All alarms of an incident cleared.</summary>
/// <param name="City">City id.</param>
/// <param name="Pole">Pole id.</param>
/// <param name="At">When.</param>
/// <param name="Incident">The incident as it is now.</param>
public sealed record IncidentClosed(string City, string Pole, DateTimeOffset At, Incident Incident) : TwinEvent(City, Pole, At);
