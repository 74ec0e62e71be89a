namespace SmartPole.Registry;

/// <summary>One line of the audit log. Never holds a secret.</summary>
/// <param name="At">When it happened.</param>
/// <param name="City">The city concerned, or null for platform-wide actions.</param>
/// <param name="Actor">Who acted: an operator key (<c>key:{id}</c>), an MQTT user name, or <c>system</c>.</param>
/// <param name="Action">What was done or tried, e.g. <c>import</c>, <c>mqtt.publish</c>, <c>rest.access</c>.</param>
/// <param name="Outcome">Done or refused.</param>
/// <param name="Detail">Particulars (topic, counts, reason), or null.</param>
public sealed record AuditEntry(DateTimeOffset At, string? City, string Actor, string Action, AuditOutcome Outcome, string? Detail);
