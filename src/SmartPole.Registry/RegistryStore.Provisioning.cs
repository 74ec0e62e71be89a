using System.Globalization;
using SmartPole.Domain;
using SmartPole.Registry.Provisioning;
using SmartPole.Registry.Security;
using SmartPole.Registry.Storage;

namespace SmartPole.Registry;

public sealed partial class RegistryStore
{
    /// <summary>Creates (or replaces) the provisioning key of <paramref name="city"/>; the old one stops working. The key is in the answer only.</summary>
    public async Task<string> CreateProvisioningKeyAsync(string city, string actor, CancellationToken cancellationToken = default)
    {
        var secret = Secrets.New(32);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await RequireCityAsync(connection, transaction, city, cancellationToken);
        await connection.ExecuteAsync(transaction,
            "INSERT INTO provisioning_keys (city, secret_hash, created_at) VALUES (@city, @hash, @at) ON CONFLICT (city) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at",
            cancellationToken, ("@city", city), ("@hash", _hasher.Hash(secret)), ("@at", NowMs));
        await WriteAuditAsync(connection, transaction, city, actor, "provisioning.key", AuditOutcome.Succeeded, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Raise(MqttCredentialsRevoked, [MqttPrincipal.ProvisionerUsername(city)], nameof(MqttCredentialsRevoked));
        return secret;
    }

    /// <summary>Puts registered poles of <paramref name="city"/> on the allow-list: a gateway with the city's key may then claim them, once.</summary>
    public async Task AllowProvisioningAsync(string city, IReadOnlyCollection<string> poles, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(poles);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await AllowAsync(connection, transaction, city, poles, cancellationToken);
        await WriteAuditAsync(connection, transaction, city, actor, "provisioning.allow", AuditOutcome.Succeeded, string.Join(',', poles), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Approves a pending request: its poles go on the allow-list, so the gateway's next request is answered with a credential.</summary>
    public async Task ApproveProvisioningAsync(string city, string requestId, string actor, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var pending = await connection.QueryAsync(transaction, "SELECT poles FROM provisioning_requests WHERE city = @city AND request_id = @id AND status = 'pending'",
            r => r.GetString(0), cancellationToken, ("@city", city), ("@id", requestId));
        if (pending.Count == 0)
        {
            throw new RegistryException(RegistryErrorKind.NotFound, $"City '{city}' has no pending provisioning request '{requestId}'.");
        }

        await AllowAsync(connection, transaction, city, pending[0].Split(','), cancellationToken);
        await connection.ExecuteAsync(transaction, "UPDATE provisioning_requests SET status = 'approved' WHERE city = @city AND request_id = @id", cancellationToken, ("@city", city), ("@id", requestId));
        await WriteAuditAsync(connection, transaction, city, actor, "provisioning.approve", AuditOutcome.Succeeded, requestId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The requests of <paramref name="city"/> waiting for approval: request id and the poles asked for.</summary>
    public async Task<IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>>> ListPendingProvisioningAsync(string city, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync(null, "SELECT request_id, poles FROM provisioning_requests WHERE city = @city AND status = 'pending' ORDER BY at",
            r => KeyValuePair.Create(r.GetString(0), (IReadOnlyList<string>)r.GetString(1).Split(',')), cancellationToken, ("@city", city));
    }

    /// <summary>
    /// Answers a gateway's provisioning request: with a valid key, registered poles, all on the
    /// allow-list, it gets a gateway credential (<c>{city}.gw.{requestId}</c>) for them and they leave
    /// the list; poles not on the list make the request wait for an operator's approval.
    /// Every answer is audited.
    /// </summary>
    public async Task<ProvisionResult> ProvisionAsync(string city, ProvisionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var actor = MqttPrincipal.ProvisionerUsername(city);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await DecideAsync();
        await WriteAuditAsync(connection, transaction, city, actor, "provisioning.request",
            result.Credential is null ? AuditOutcome.Refused : AuditOutcome.Succeeded,
            $"request '{request.RequestId}': " + (result.Refusal ?? $"issued {result.Credential!.Username}"), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;

        async Task<ProvisionResult> DecideAsync()
        {
            var keys = await connection.QueryAsync(transaction, "SELECT secret_hash FROM provisioning_keys WHERE city = @city", r => r.GetString(0), cancellationToken, ("@city", city));
            if (keys.Count == 0 || !_hasher.Verify(request.ProvisionKey, keys[0]))
            {
                return ProvisionResult.Refused(request.RequestId, "bad provisioning key");
            }

            if (!Ids.IsValid(request.RequestId))
            {
                return ProvisionResult.Refused(request.RequestId, "requestId must be the client id and match [a-z0-9-]{1,64}");
            }

            var poles = request.Poles.Distinct(StringComparer.Ordinal).ToList();
            var known = (await connection.QueryAsync(transaction, "SELECT id FROM poles WHERE city = @city", r => r.GetString(0), cancellationToken, ("@city", city))).ToHashSet(StringComparer.Ordinal);
            var unknown = poles.Where(p => !known.Contains(p)).ToList();
            if (unknown.Count > 0)
            {
                return ProvisionResult.Refused(request.RequestId, $"poles not registered in '{city}': {string.Join(", ", unknown.Take(10))}");
            }

            var allowed = (await connection.QueryAsync(transaction, "SELECT pole FROM provisioning_allow WHERE city = @city", r => r.GetString(0), cancellationToken, ("@city", city))).ToHashSet(StringComparer.Ordinal);
            var waiting = poles.Where(p => !allowed.Contains(p)).ToList();
            if (waiting.Count > 0)
            {
                await connection.ExecuteAsync(transaction,
                    "INSERT INTO provisioning_requests (city, request_id, poles, status, reason, at) VALUES (@city, @id, @poles, 'pending', NULL, @at) " +
                    "ON CONFLICT (city, request_id) DO UPDATE SET poles = excluded.poles, status = 'pending', at = excluded.at",
                    cancellationToken, ("@city", city), ("@id", request.RequestId), ("@poles", string.Join(',', poles)), ("@at", NowMs));
                return ProvisionResult.Refused(request.RequestId, string.Create(CultureInfo.InvariantCulture, $"awaiting operator approval for {waiting.Count} poles"), pending: true);
            }

            var credential = await IssueGatewayAsync(connection, transaction, city, request.RequestId, poles, cancellationToken);
            foreach (var pole in poles)
            {
                await connection.ExecuteAsync(transaction, "DELETE FROM provisioning_allow WHERE city = @city AND pole = @pole", cancellationToken, ("@city", city), ("@pole", pole));
            }

            await connection.ExecuteAsync(transaction, "UPDATE provisioning_requests SET status = 'issued' WHERE city = @city AND request_id = @id", cancellationToken, ("@city", city), ("@id", request.RequestId));
            return new ProvisionResult(request.RequestId, credential, null, false);
        }
    }

    private static async Task AllowAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string city, IReadOnlyCollection<string> poles, CancellationToken cancellationToken)
    {
        await RequireCityAsync(connection, transaction, city, cancellationToken);
        foreach (var pole in poles)
        {
            await connection.ExecuteAsync(transaction, "INSERT INTO provisioning_allow (city, pole) VALUES (@city, @pole) ON CONFLICT (city, pole) DO NOTHING", cancellationToken, ("@city", city), ("@pole", pole));
        }
    }
}
