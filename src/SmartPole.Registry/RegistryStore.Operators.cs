using SmartPole.Registry.Security;
using SmartPole.Registry.Storage;

namespace SmartPole.Registry;

public sealed partial class RegistryStore
{
    private const string TokenPrefix = "spk_";
    private const int KeyIdLength = 16;

    /// <summary>
    /// Issues an API key to <paramref name="operatorName"/> with <paramref name="grants"/> (and every
    /// city when <paramref name="platformAdmin"/>). The token is in the answer only.
    /// </summary>
    public async Task<IssuedApiKey> CreateApiKeyAsync(string operatorName, IReadOnlyList<CityGrant> grants, bool platformAdmin, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grants);
        if (string.IsNullOrWhiteSpace(operatorName) || operatorName.Length > 200 || operatorName.Any(char.IsControl))
        {
            throw new RegistryException(RegistryErrorKind.Invalid, "The operator name must be 1 to 200 printable characters.");
        }

        if (!platformAdmin && grants.Count == 0)
        {
            throw new RegistryException(RegistryErrorKind.Invalid, "A key needs at least one city grant, or platform admin.");
        }

        if (grants.GroupBy(g => g.City, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new RegistryException(RegistryErrorKind.Invalid, $"City '{twice.Key}' is granted twice.");
        }

        if (grants.FirstOrDefault(g => !Enum.IsDefined(g.Role)) is { } badRole)
        {
            throw new RegistryException(RegistryErrorKind.Invalid, $"Unknown role for city '{badRole.City}'.");
        }

        var keyId = Secrets.NewKeyId();
        var secret = Secrets.New(32);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var grant in grants)
        {
            await RequireCityAsync(connection, transaction, grant.City, cancellationToken);
        }

        await connection.ExecuteAsync(transaction,
            "INSERT INTO api_keys (id, operator, secret_hash, platform_admin, created_at, revoked_at) VALUES (@id, @op, @hash, @admin, @at, NULL)",
            cancellationToken, ("@id", keyId), ("@op", operatorName), ("@hash", _hasher.Hash(secret)), ("@admin", platformAdmin ? 1L : 0L), ("@at", NowMs));
        foreach (var grant in grants)
        {
            await connection.ExecuteAsync(transaction, "INSERT INTO api_key_grants (key_id, city, role) VALUES (@id, @city, @role)", cancellationToken,
                ("@id", keyId), ("@city", grant.City), ("@role", grant.Role.ToString()));
            await WriteAuditAsync(connection, transaction, grant.City, actor, "apikey.create", AuditOutcome.Succeeded, $"key {keyId} for '{operatorName}' as {grant.Role}", cancellationToken);
        }

        if (platformAdmin)
        {
            await WriteAuditAsync(connection, transaction, null, actor, "apikey.create", AuditOutcome.Succeeded, $"key {keyId} for '{operatorName}' as platform admin", cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new IssuedApiKey(keyId, TokenPrefix + keyId + "_" + secret);
    }

    /// <summary>
    /// Who <paramref name="token"/> belongs to, or null when it is malformed, unknown, revoked or wrong.
    /// Revocation is read from the database on every call, so it takes effect at once on every instance.
    /// </summary>
    public async Task<OperatorPrincipal?> AuthenticateApiKeyAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (token is null || token.Length < TokenPrefix.Length + KeyIdLength + 2 || !token.StartsWith(TokenPrefix, StringComparison.Ordinal)
            || token[TokenPrefix.Length + KeyIdLength] != '_')
        {
            return null;
        }

        var keyId = token.Substring(TokenPrefix.Length, KeyIdLength);
        var secret = token[(TokenPrefix.Length + KeyIdLength + 1)..];
        await using var connection = await OpenAsync(cancellationToken);
        var keys = await connection.QueryAsync(null, "SELECT operator, secret_hash, platform_admin FROM api_keys WHERE id = @id AND revoked_at IS NULL",
            r => (Operator: r.GetString(0), Hash: r.GetString(1), Admin: r.GetInt64(2) != 0), cancellationToken, ("@id", keyId));
        if (keys.Count == 0 || !_hasher.Verify(secret, keys[0].Hash))
        {
            return null;
        }

        var grants = await connection.QueryAsync(null, "SELECT city, role FROM api_key_grants WHERE key_id = @id", r => (r.GetString(0), Enum.Parse<OperatorRole>(r.GetString(1))), cancellationToken, ("@id", keyId));
        return new OperatorPrincipal(keyId, keys[0].Operator, keys[0].Admin, grants.ToDictionary(g => g.Item1, g => g.Item2, StringComparer.Ordinal));
    }

    /// <summary>Revokes a key at once; returns false when there is no working key with that id.</summary>
    public async Task<bool> RevokeApiKeyAsync(string keyId, string actor, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(transaction, "UPDATE api_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL", cancellationToken, ("@at", NowMs), ("@id", keyId));
        if (changed > 0)
        {
            await WriteAuditAsync(connection, transaction, null, actor, "apikey.revoke", AuditOutcome.Succeeded, $"key {keyId}", cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (changed > 0)
        {
            Raise(ApiKeyRevoked, keyId, nameof(ApiKeyRevoked));
        }

        return changed > 0;
    }

    /// <summary>Every key (working and revoked) with a grant in <paramref name="city"/>, or every key when null.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListApiKeysAsync(string? city, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var grants = (await connection.QueryAsync(null, "SELECT key_id, city, role FROM api_key_grants", r => (Key: r.GetString(0), Grant: new CityGrant(r.GetString(1), Enum.Parse<OperatorRole>(r.GetString(2)))), cancellationToken))
            .ToLookup(g => g.Key, g => g.Grant, StringComparer.Ordinal);
        var keys = await connection.QueryAsync(null, "SELECT id, operator, platform_admin, created_at, revoked_at FROM api_keys ORDER BY created_at, id",
            r => new ApiKeyInfo(r.GetString(0), r.GetString(1), r.GetInt64(2) != 0, grants[r.GetString(0)].ToList(),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)), r.NullableInt64(4) is { } revoked ? DateTimeOffset.FromUnixTimeMilliseconds(revoked) : null),
            cancellationToken);
        return city is null ? keys : keys.Where(k => k.Grants.Any(g => g.City == city)).ToList();
    }

    /// <summary>True when key <paramref name="keyId"/> exists and is not revoked.</summary>
    public async Task<bool> IsApiKeyActiveAsync(string keyId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(null, "SELECT 1 FROM api_keys WHERE id = @id AND revoked_at IS NULL", _ => true, cancellationToken, ("@id", keyId));
        return rows.Count > 0;
    }

    /// <summary>True when at least one working platform-admin key exists (the server issues the first one at first start).</summary>
    public async Task<bool> HasPlatformAdminAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(null, "SELECT 1 FROM api_keys WHERE platform_admin = 1 AND revoked_at IS NULL LIMIT 1", _ => true, cancellationToken);
        return rows.Count > 0;
    }
}
