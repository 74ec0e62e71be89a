namespace SmartPole.Domain.Incidents;

/// <summary>Alarms of one pole raised close together, with what most likely caused them.</summary>
/// <param name="Id">Unique id (<c>{pole}-i{n}</c>).</param>
/// <param name="OpenedAt">When its first alarm was raised.</param>
/// <param name="ProbableCause">One of <see cref="ProbableCauses"/>, or the alarm type when it holds a single kind of alarm.</param>
/// <param name="Explanation">Why that cause, for operators.</param>
/// <param name="AlarmIds">Its alarms, in the order they were raised.</param>
/// <param name="AlarmTypes">The types of those alarms, same order.</param>
/// <param name="ClosedAt">When its last alarm cleared, or null while open.</param>
public sealed record Incident(
    string Id,
    DateTimeOffset OpenedAt,
    string ProbableCause,
    string Explanation,
    IReadOnlyList<string> AlarmIds,
    IReadOnlyList<string> AlarmTypes,
    DateTimeOffset? ClosedAt = null);
