using SmartPole.Domain.Incidents;

namespace SmartPole.Server.Poles;

/// <summary>An open incident with the pole it belongs to.</summary>
/// <param name="Pole">Pole id.</param>
/// <param name="Incident">The incident.</param>
internal sealed record PoleIncident(string Pole, Incident Incident);
