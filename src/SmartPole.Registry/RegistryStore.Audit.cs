using System.Data.Common;
using SmartPole.Registry.Storage;

namespace SmartPole.Registry;

public sealed partial class RegistryStore
{
    /// <summary>Appends <paramref name="entry"/> to the audit log.</summary>
    public async Task AuditAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var connection = await OpenAsync(cancellationToken);
        await WriteAuditAsync(connection, null, entry.At, entry.City, entry.Actor, entry.Action, entry.Outcome, entry.Detail, cancellationToken);
    }

    /// <summary>The newest <paramref name="limit"/> audit entries, newest first; of one city, or of all when <paramref name="city"/> is null.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ReadAuditAsync(string? city, int limit = 100, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var where = city is null ? "" : "WHERE city = @city";
        return await connection.QueryAsync(
            null,
            $"SELECT at, city, actor, action, outcome, detail FROM audit_log {where} ORDER BY seq DESC LIMIT @limit",
            r => new AuditEntry(
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)),
                r.NullableString(1),
                r.GetString(2),
                r.GetString(3),
                Enum.Parse<AuditOutcome>(r.GetString(4)),
                r.NullableString(5)),
            cancellationToken,
            ("@city", city),
            ("@limit", (long)Math.Clamp(limit, 1, 10_000)));
    }

    private Task WriteAuditAsync(DbConnection connection, DbTransaction? transaction, string? city, string actor, string action, AuditOutcome outcome, string? detail, CancellationToken cancellationToken) =>
        WriteAuditAsync(connection, transaction, _time.GetUtcNow(), city, actor, action, outcome, detail, cancellationToken);

    private static async Task WriteAuditAsync(DbConnection connection, DbTransaction? transaction, DateTimeOffset at, string? city, string actor, string action, AuditOutcome outcome, string? detail, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(
            transaction,
            "INSERT INTO audit_log (at, city, actor, action, outcome, detail) VALUES (@at, @city, @actor, @action, @outcome, @detail)",
            cancellationToken,
            ("@at", at.ToUnixTimeMilliseconds()),
            ("@city", city),
            ("@actor", actor),
            ("@action", action),
            ("@outcome", outcome.ToString()),
            ("@detail", detail));
}
