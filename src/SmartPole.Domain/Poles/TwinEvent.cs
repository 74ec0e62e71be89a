using System.Text.Json.Serialization;

namespace SmartPole.Domain.Poles;

/// <summary>Something that happened to a pole's twin, for the live feed and the stores. Past tense.</summary>
/// <param name="City">City id.</param>
/// <param name="Pole">Pole id.</param>
/// <param name="At">When it happened.</param>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "event")]
[JsonDerivedType(typeof(PoleCameOnline), "poleCameOnline")]
[JsonDerivedType(typeof(PoleWentOffline), "poleWentOffline")]
[JsonDerivedType(typeof(AlarmRaised), "alarmRaised")]
[JsonDerivedType(typeof(AlarmAcknowledged), "alarmAcknowledged")]
[JsonDerivedType(typeof(AlarmCleared), "alarmCleared")]
[JsonDerivedType(typeof(IncidentOpened), "incidentOpened")]
[JsonDerivedType(typeof(IncidentUpdated), "incidentUpdated")]
[JsonDerivedType(typeof(IncidentClosed), "incidentClosed")]
[JsonDerivedType(typeof(CommandProgressed), "commandProgressed")]
[JsonDerivedType(typeof(DesiredConfigChanged), "desiredConfigChanged")]
public abstract record TwinEvent(string City, string Pole, DateTimeOffset At);
