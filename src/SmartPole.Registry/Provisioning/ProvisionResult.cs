namespace SmartPole.Registry.Provisioning;

/// <summary>The answer to a provisioning request: a credential, or the refusal and why.</summary>
/// <param name="RequestId">The request answered.</param>
/// <param name="Credential">The gateway credential issued, or null when refused.</param>
/// <param name="Refusal">Why not, or null when issued.</param>
/// <param name="Pending">True when the request waits for an operator's approval (ask again once approved).</param>
public sealed record ProvisionResult(string RequestId, IssuedCredential? Credential, string? Refusal, bool Pending)
{
    /// <summary>A refusal.</summary>
    public static ProvisionResult Refused(string requestId, string reason, bool pending = false) => new(requestId, null, reason, pending);
}
