namespace SmartPole.Registry;

/// <summary>The ACL's answer: allowed or not, and why not (for the audit log; never sent to the client).</summary>
/// <param name="Allowed">True when the action is allowed.</param>
/// <param name="Reason">Why it was refused; null when allowed.</param>
public sealed record AclDecision(bool Allowed, string? Reason)
{
    /// <summary>The one "allowed" answer.</summary>
    public static AclDecision Allow { get; } = new(true, null);

    /// <summary>A refusal saying why.</summary>
    public static AclDecision Deny(string reason) => new(false, reason);
}
