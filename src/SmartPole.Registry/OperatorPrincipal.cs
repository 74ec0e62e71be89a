namespace SmartPole.Registry;

/// <summary>Who an API key or bearer token authenticated as.</summary>
/// <param name="KeyId">The key's public id.</param>
/// <param name="Operator">The operator's name.</param>
/// <param name="IsPlatformAdmin">True for a platform admin: every role in every city.</param>
/// <param name="Grants">Roles by city id.</param>
public sealed record OperatorPrincipal(string KeyId, string Operator, bool IsPlatformAdmin, IReadOnlyDictionary<string, OperatorRole> Grants)
{
    /// <summary>True when the operator holds at least <paramref name="role"/> in <paramref name="city"/>.</summary>
    public bool Allows(string city, OperatorRole role) =>
        IsPlatformAdmin || (Grants.TryGetValue(city, out var held) && held >= role);
}
