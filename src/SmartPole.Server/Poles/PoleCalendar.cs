using SmartPole.Domain.Lighting;

namespace SmartPole.Server.Poles;

/// <summary>The lighting calendar a pole follows.</summary>
/// <param name="Calendar">The calendar in effect, or null when the pole has none (its city runs no lighting schedule).</param>
/// <param name="OwnCalendar">True when the calendar was set for this pole alone; false when it is the city's.</param>
internal sealed record PoleCalendar(LightingCalendar? Calendar, bool OwnCalendar);
