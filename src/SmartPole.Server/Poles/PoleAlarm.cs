using SmartPole.Domain.Alarms;

namespace SmartPole.Server.Poles;

/// <summary>An open alarm with the pole it belongs to.</summary>
/// <param name="Pole">Pole id.</param>
/// <param name="Alarm">The alarm.</param>
internal sealed record PoleAlarm(string Pole, Alarm Alarm);
