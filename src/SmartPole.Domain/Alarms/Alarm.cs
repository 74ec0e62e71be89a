namespace SmartPole.Domain.Alarms;

/// <summary>One alarm of one pole: at most one is open per device and type.</summary>
/// <param name="Id">Unique id (<c>{pole}-a{n}</c>).</param>
/// <param name="Device">Device id, or <see cref="AlarmTypes.PoleDevice"/> for the pole itself.</param>
/// <param name="Type">Alarm type, one of <see cref="AlarmTypes"/>.</param>
/// <param name="Severity">Severity.</param>
/// <param name="RaisedAt">When the condition was first seen.</param>
/// <param name="Detail">What was seen, for operators (e.g. <c>tiltDeg 4.2 &gt; 3</c>).</param>
/// <param name="AcknowledgedAt">When an operator acknowledged it, or null.</param>
/// <param name="ClearedAt">When it cleared, or null while open.</param>
/// <param name="IncidentId">The incident it was grouped into, or null.</param>
public sealed record Alarm(
    string Id,
    string Device,
    string Type,
    AlarmSeverity Severity,
    DateTimeOffset RaisedAt,
    string Detail,
    DateTimeOffset? AcknowledgedAt = null,
    DateTimeOffset? ClearedAt = null,
    string? IncidentId = null)
{
    /// <summary>The lifecycle state derived from the timestamps.</summary>
    public AlarmState State => ClearedAt is not null ? AlarmState.Cleared : AcknowledgedAt is not null ? AlarmState.Acknowledged : AlarmState.Active;

    /// <summary>True until the alarm clears.</summary>
    public bool IsOpen => ClearedAt is null;
}
