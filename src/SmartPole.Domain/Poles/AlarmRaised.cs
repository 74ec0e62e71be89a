using SmartPole.Domain.Alarms;

namespace SmartPole.Domain.Poles;

/// <summary>An alarm opened.</summary>
/// <param name="City">City id.</param>
/// <param name="Pole">Pole id.</param>
/// <param name="At">When.</param>
/// <param name="Alarm">The alarm as it is now.</param>
public sealed record AlarmRaised(string City, string Pole, DateTimeOffset At, Alarm Alarm) : TwinEvent(City, Pole, At);
