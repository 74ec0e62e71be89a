namespace SmartPole.Registry;

/// <summary>An API key as listed to admins: never its secret.</summary>
/// <param name="KeyId">Public id.</param>
/// <param name="Operator">Operator name.</param>
/// <param name="IsPlatformAdmin">True for a platform admin.</param>
/// <param name="Grants">Roles per city.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="RevokedAt">When it was revoked, or null while it works.</param>
public sealed record ApiKeyInfo(string KeyId, string Operator, bool IsPlatformAdmin, IReadOnlyList<CityGrant> Grants, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
