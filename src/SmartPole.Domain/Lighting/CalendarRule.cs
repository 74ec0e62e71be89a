namespace SmartPole.Domain.Lighting;

/// <summary>Chooses a program for the nights it matches: a date range and a set of weekdays.</summary>
/// <param name="Program">Name of the program it chooses.</param>
/// <param name="From">First night (inclusive), or null for no lower bound.</param>
/// <param name="To">Last night (inclusive), or null for no upper bound.</param>
/// <param name="Weekdays">Weekdays of the night's evening it applies to, or null for all.</param>
public sealed record CalendarRule(string Program, DateOnly? From = null, DateOnly? To = null, IReadOnlyList<DayOfWeek>? Weekdays = null)
{
    /// <summary>True when the night starting on the evening of <paramref name="night"/> matches.</summary>
    public bool Matches(DateOnly night) =>
        (From is null || night >= From) && (To is null || night <= To) && (Weekdays is null || Weekdays.Contains(night.DayOfWeek));
}
