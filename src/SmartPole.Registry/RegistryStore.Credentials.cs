using System.Data.Common;
using System.Globalization;
using System.Text;
using SmartPole.Domain;
using SmartPole.Registry.Security;
using SmartPole.Registry.Storage;

namespace SmartPole.Registry;

public sealed partial class RegistryStore
{
    private const string PoleKind = "pole";
    private const string GatewayKind = "gateway";

    /// <summary>
    /// Issues MQTT credentials to poles of <paramref name="city"/> (all of them when
    /// <paramref name="poles"/> is null). With <paramref name="rotate"/> every pole named gets a new
    /// secret and its old one stops working; without, poles that hold a working credential are
    /// skipped. The passwords are in the answer only.
    /// </summary>
    public async Task<IReadOnlyList<IssuedCredential>> IssuePoleCredentialsAsync(string city, IReadOnlyCollection<string>? poles, bool rotate, string actor, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await RequireCityAsync(connection, null, city, cancellationToken);
        var known = (await connection.QueryAsync(null, "SELECT id FROM poles WHERE city = @city", r => r.GetString(0), cancellationToken, ("@city", city))).ToHashSet(StringComparer.Ordinal);
        var wanted = poles?.Distinct(StringComparer.Ordinal).ToList() ?? known.Order(StringComparer.Ordinal).ToList();
        var unknown = wanted.Where(p => !known.Contains(p)).Take(10).ToList();
        if (unknown.Count > 0)
        {
            throw new RegistryException(RegistryErrorKind.NotFound, $"City '{city}' has no pole {string.Join(", ", unknown.Select(p => $"'{p}'"))}.");
        }

        if (!rotate)
        {
            var holding = (await connection.QueryAsync(null, "SELECT subject FROM mqtt_credentials WHERE city = @city AND kind = @kind AND revoked_at IS NULL", r => r.GetString(0), cancellationToken, ("@city", city), ("@kind", PoleKind)))
                .ToHashSet(StringComparer.Ordinal);
            wanted.RemoveAll(holding.Contains);
        }

        // Hashing is the slow part (100k poles × PBKDF2): do it on every core, outside the transaction.
        var issued = new IssuedCredential[wanted.Count];
        var hashes = new string[wanted.Count];
        Parallel.For(0, wanted.Count, i =>
        {
            var secret = Secrets.New();
            issued[i] = new IssuedCredential(wanted[i], MqttPrincipal.PoleUsername(city, wanted[i]), secret);
            hashes[i] = _credentialHasher.Hash(secret);
        });

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var upsert = connection.Command(transaction, UpsertCredentialSql, ("@username", null), ("@city", city), ("@kind", PoleKind), ("@subject", null), ("@hash", null), ("@at", NowMs));
        for (var i = 0; i < issued.Length; i++)
        {
            Set(upsert, ("@username", issued[i].Username), ("@subject", issued[i].Subject), ("@hash", hashes[i]));
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        await WriteAuditAsync(connection, transaction, city, actor, "credentials.issue", AuditOutcome.Succeeded,
            string.Create(CultureInfo.InvariantCulture, $"{issued.Length} pole credentials{(rotate ? " (rotated)" : "")}"), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (rotate && issued.Length > 0)
        {
            Raise(MqttCredentialsRevoked, issued.Select(c => c.Username).ToList(), nameof(MqttCredentialsRevoked));
        }

        return issued;
    }

    /// <summary>Issues (or replaces) the credential of gateway <paramref name="gateway"/> carrying <paramref name="poles"/> of <paramref name="city"/>.</summary>
    public async Task<IssuedCredential> IssueGatewayCredentialAsync(string city, string gateway, IReadOnlyCollection<string> poles, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(poles);
        if (!Ids.IsValid(gateway))
        {
            throw new RegistryException(RegistryErrorKind.Invalid, $"Gateway id '{gateway}' must match [a-z0-9-]{{1,64}}.");
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var credential = await IssueGatewayAsync(connection, transaction, city, gateway, poles, cancellationToken);
        await WriteAuditAsync(connection, transaction, city, actor, "credentials.issue", AuditOutcome.Succeeded,
            string.Create(CultureInfo.InvariantCulture, $"gateway '{gateway}' with {poles.Count} poles"), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Raise(MqttCredentialsRevoked, [credential.Username], nameof(MqttCredentialsRevoked));
        return credential;
    }

    /// <summary>Revokes an MQTT credential at once; returns false when there is no working one by that user name.</summary>
    public async Task<bool> RevokeMqttCredentialAsync(string username, string actor, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var city = await connection.QueryAsync(null, "SELECT city FROM mqtt_credentials WHERE username = @u AND revoked_at IS NULL", r => r.GetString(0), cancellationToken, ("@u", username));
        if (city.Count == 0)
        {
            return false;
        }

        await connection.ExecuteAsync(null, "UPDATE mqtt_credentials SET revoked_at = @at WHERE username = @u", cancellationToken, ("@at", NowMs), ("@u", username));
        await WriteAuditAsync(connection, null, city[0], actor, "credentials.revoke", AuditOutcome.Succeeded, username, cancellationToken);
        Raise(MqttCredentialsRevoked, [username], nameof(MqttCredentialsRevoked));
        return true;
    }

    /// <summary>
    /// Checks an MQTT login: a pole's or gateway's own credential, or <c>{city}.provision</c> with the
    /// city's provisioning key. Returns who it is, or null when the user name is unknown, revoked or
    /// the password is wrong (the caller cannot tell which, and neither can the client).
    /// </summary>
    public async Task<MqttPrincipal?> AuthenticateMqttAsync(string username, ReadOnlyMemory<byte> password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        await using var connection = await OpenAsync(cancellationToken);
        var suffix = "." + Ids.Reserved;
        if (username.EndsWith(suffix, StringComparison.Ordinal))
        {
            var city = username[..^suffix.Length];
            var keys = await connection.QueryAsync(null, "SELECT secret_hash FROM provisioning_keys WHERE city = @city", r => r.GetString(0), cancellationToken, ("@city", city));
            return keys.Count == 1 && _hasher.Verify(password.Span, keys[0])
                ? new MqttPrincipal(username, MqttPrincipalKind.Provisioner, city, new HashSet<string>())
                : null;
        }

        var rows = await connection.QueryAsync(
            null,
            "SELECT city, kind, subject, secret_hash FROM mqtt_credentials WHERE username = @u AND revoked_at IS NULL",
            r => (City: r.GetString(0), Kind: r.GetString(1), Subject: r.GetString(2), Hash: r.GetString(3)),
            cancellationToken,
            ("@u", username));
        if (rows.Count == 0 || !_credentialHasher.Verify(password.Span, rows[0].Hash))
        {
            return null;
        }

        var row = rows[0];
        if (row.Kind == PoleKind)
        {
            return new MqttPrincipal(username, MqttPrincipalKind.Pole, row.City, new HashSet<string>(StringComparer.Ordinal) { row.Subject });
        }

        var poles = await connection.QueryAsync(null, "SELECT pole FROM gateway_poles WHERE username = @u", r => r.GetString(0), cancellationToken, ("@u", username));
        return new MqttPrincipal(username, MqttPrincipalKind.Gateway, row.City, poles.ToHashSet(StringComparer.Ordinal));
    }

    /// <summary><see cref="AuthenticateMqttAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/> with a text password.</summary>
    public Task<MqttPrincipal?> AuthenticateMqttAsync(string username, string password, CancellationToken cancellationToken = default) =>
        AuthenticateMqttAsync(username, Encoding.UTF8.GetBytes(password), cancellationToken);

    private const string UpsertCredentialSql =
        "INSERT INTO mqtt_credentials (username, city, kind, subject, secret_hash, created_at, revoked_at) VALUES (@username, @city, @kind, @subject, @hash, @at, NULL) " +
        "ON CONFLICT (username) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at, revoked_at = NULL";

    private async Task<IssuedCredential> IssueGatewayAsync(DbConnection connection, DbTransaction transaction, string city, string gateway, IReadOnlyCollection<string> poles, CancellationToken cancellationToken)
    {
        await RequireCityAsync(connection, transaction, city, cancellationToken);
        if (poles.Count == 0)
        {
            throw new RegistryException(RegistryErrorKind.Invalid, "A gateway must carry at least one pole.");
        }

        var known = (await connection.QueryAsync(transaction, "SELECT id FROM poles WHERE city = @city", r => r.GetString(0), cancellationToken, ("@city", city))).ToHashSet(StringComparer.Ordinal);
        var unknown = poles.Where(p => !known.Contains(p)).Take(10).ToList();
        if (unknown.Count > 0)
        {
            throw new RegistryException(RegistryErrorKind.NotFound, $"City '{city}' has no pole {string.Join(", ", unknown.Select(p => $"'{p}'"))}.");
        }

        var username = MqttPrincipal.GatewayUsername(city, gateway);
        var secret = Secrets.New();
        await connection.ExecuteAsync(transaction, UpsertCredentialSql, cancellationToken,
            ("@username", username), ("@city", city), ("@kind", GatewayKind), ("@subject", gateway), ("@hash", _credentialHasher.Hash(secret)), ("@at", NowMs));
        await connection.ExecuteAsync(transaction, "DELETE FROM gateway_poles WHERE username = @u", cancellationToken, ("@u", username));
        foreach (var pole in poles.Distinct(StringComparer.Ordinal))
        {
            await connection.ExecuteAsync(transaction, "INSERT INTO gateway_poles (username, pole) VALUES (@u, @p)", cancellationToken, ("@u", username), ("@p", pole));
        }

        return new IssuedCredential(gateway, username, secret);
    }
}
