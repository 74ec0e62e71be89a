using System.Data.Common;

namespace SmartPole.Registry.Storage;

/// <summary>
/// The registry schema as numbered steps. Each step runs once, in a transaction with its row in
/// <c>schema_migrations</c>; every statement is also written to be harmless when repeated, so two
/// instances starting against one PostgreSQL at once cannot break it.
/// </summary>
internal static class Migrations
{
    public static async Task<int> ApplyAsync(RegistryDatabase database, long appliedAtMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(null, "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)", cancellationToken);
        var done = (await connection.QueryAsync(null, "SELECT version FROM schema_migrations", r => r.GetInt64(0), cancellationToken)).ToHashSet();
        var applied = 0;
        var steps = Steps(database);
        for (var version = 1; version <= steps.Count; version++)
        {
            if (done.Contains(version))
            {
                continue;
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var statement in steps[version - 1])
            {
                await connection.ExecuteAsync(transaction, statement, cancellationToken);
            }

            await connection.ExecuteAsync(transaction, "INSERT INTO schema_migrations (version, applied_at) VALUES (@v, @at) ON CONFLICT (version) DO NOTHING", cancellationToken, ("@v", (long)version), ("@at", appliedAtMs));
            await transaction.CommitAsync(cancellationToken);
            applied++;
        }

        return applied;
    }

    private static List<string[]> Steps(RegistryDatabase database) =>
    [
        [
            """
            CREATE TABLE IF NOT EXISTS cities (
                id TEXT PRIMARY KEY, name_zh TEXT NOT NULL, name_en TEXT NOT NULL, time_zone TEXT NOT NULL,
                south DOUBLE PRECISION NOT NULL, west DOUBLE PRECISION NOT NULL, north DOUBLE PRECISION NOT NULL, east DOUBLE PRECISION NOT NULL,
                settings TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE IF NOT EXISTS districts (
                city TEXT NOT NULL REFERENCES cities(id), id TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (city, id))
            """,
            """
            CREATE TABLE IF NOT EXISTS poles (
                city TEXT NOT NULL REFERENCES cities(id), id TEXT NOT NULL, name TEXT NOT NULL,
                lat DOUBLE PRECISION NOT NULL, lon DOUBLE PRECISION NOT NULL, address TEXT, district TEXT,
                row_hash TEXT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (city, id))
            """,
            """
            CREATE TABLE IF NOT EXISTS devices (
                city TEXT NOT NULL, pole TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, model TEXT,
                rated_power_w DOUBLE PRECISION NOT NULL, PRIMARY KEY (city, pole, id),
                FOREIGN KEY (city, pole) REFERENCES poles(city, id))
            """,
            """
            CREATE TABLE IF NOT EXISTS mqtt_credentials (
                username TEXT PRIMARY KEY, city TEXT NOT NULL REFERENCES cities(id), kind TEXT NOT NULL, subject TEXT NOT NULL,
                secret_hash TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT)
            """,
            "CREATE INDEX IF NOT EXISTS ix_mqtt_credentials_subject ON mqtt_credentials (city, kind, subject)",
            """
            CREATE TABLE IF NOT EXISTS gateway_poles (
                username TEXT NOT NULL REFERENCES mqtt_credentials(username), pole TEXT NOT NULL, PRIMARY KEY (username, pole))
            """,
            """
            CREATE TABLE IF NOT EXISTS api_keys (
                id TEXT PRIMARY KEY, operator TEXT NOT NULL, secret_hash TEXT NOT NULL, platform_admin BIGINT NOT NULL,
                created_at BIGINT NOT NULL, revoked_at BIGINT)
            """,
            """
            CREATE TABLE IF NOT EXISTS api_key_grants (
                key_id TEXT NOT NULL REFERENCES api_keys(id), city TEXT NOT NULL, role TEXT NOT NULL, PRIMARY KEY (key_id, city))
            """,
            $"""
            CREATE TABLE IF NOT EXISTS audit_log (
                seq {database.IdentityColumn}, at BIGINT NOT NULL, city TEXT, actor TEXT NOT NULL, action TEXT NOT NULL,
                outcome TEXT NOT NULL, detail TEXT)
            """,
            "CREATE INDEX IF NOT EXISTS ix_audit_log_city ON audit_log (city, seq)",
            """
            CREATE TABLE IF NOT EXISTS provisioning_keys (
                city TEXT PRIMARY KEY REFERENCES cities(id), secret_hash TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE IF NOT EXISTS provisioning_allow (
                city TEXT NOT NULL REFERENCES cities(id), pole TEXT NOT NULL, PRIMARY KEY (city, pole))
            """,
            """
            CREATE TABLE IF NOT EXISTS provisioning_requests (
                city TEXT NOT NULL REFERENCES cities(id), request_id TEXT NOT NULL, poles TEXT NOT NULL, status TEXT NOT NULL,
                reason TEXT, at BIGINT NOT NULL, PRIMARY KEY (city, request_id))
            """,
        ],
    ];
}
