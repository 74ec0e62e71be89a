using System.Data.Common;
using SmartPole.Domain;
using SmartPole.Registry.Storage;

namespace SmartPole.Registry;

public sealed partial class RegistryStore
{
    private const string CityColumns = "id, name_zh, name_en, time_zone, south, west, north, east, settings";

    /// <summary>Adds a city; throws <see cref="RegistryException"/> when it is invalid or its id is taken.</summary>
    public async Task CreateCityAsync(CityRecord city, string actor, CancellationToken cancellationToken = default)
    {
        ValidateCity(city);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(
            transaction,
            $"INSERT INTO cities ({CityColumns}, created_at) VALUES (@id, @zh, @en, @tz, @s, @w, @n, @e, @settings, @at) ON CONFLICT (id) DO NOTHING",
            cancellationToken,
            ("@id", city.Id),
            ("@zh", city.NameZh),
            ("@en", city.NameEn),
            ("@tz", city.TimeZone),
            ("@s", city.Bounds.South),
            ("@w", city.Bounds.West),
            ("@n", city.Bounds.North),
            ("@e", city.Bounds.East),
            ("@settings", SettingsJson.Write(city.Settings)),
            ("@at", NowMs));
        if (inserted == 0)
        {
            throw new RegistryException(RegistryErrorKind.Conflict, $"City '{city.Id}' exists already.");
        }

        await WriteAuditAsync(connection, transaction, city.Id, actor, "city.create", AuditOutcome.Succeeded, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Replaces the settings of <paramref name="city"/> (thresholds, lighting calendar, reporting
    /// interval, dashboard) and returns the city; <see cref="CitySettingsChanged"/> tells the live
    /// poles. Throws <see cref="RegistryException"/> when the city is unknown or the settings invalid.
    /// </summary>
    public async Task<CityRecord> UpdateCitySettingsAsync(string city, CitySettings settings, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = await connection.QueryAsync(transaction, $"SELECT {CityColumns} FROM cities WHERE id = @id", ReadCity, cancellationToken, ("@id", city));
        if (rows.Count == 0)
        {
            throw new RegistryException(RegistryErrorKind.NotFound, $"No city '{city}'.");
        }

        var updated = rows[0] with { Settings = settings };
        ValidateCity(updated);
        await connection.ExecuteAsync(transaction, "UPDATE cities SET settings = @settings WHERE id = @id", cancellationToken, ("@settings", SettingsJson.Write(settings)), ("@id", city));
        await WriteAuditAsync(connection, transaction, city, actor, "city.settings", AuditOutcome.Succeeded, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Raise(CitySettingsChanged, updated, nameof(CitySettingsChanged));
        return updated;
    }

    /// <summary>The city, or null.</summary>
    public async Task<CityRecord?> FindCityAsync(string city, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync(null, $"SELECT {CityColumns} FROM cities WHERE id = @id", ReadCity, cancellationToken, ("@id", city));
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Every city, ordered by id.</summary>
    public async Task<IReadOnlyList<CityRecord>> ListCitiesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync(null, $"SELECT {CityColumns} FROM cities ORDER BY id", ReadCity, cancellationToken);
    }

    /// <summary>Every pole of <paramref name="city"/> with its devices, ordered by id (empty for an unknown city).</summary>
    public async Task<IReadOnlyList<RegisteredPole>> ListPolesAsync(string city, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return (await LoadPolesAsync(connection, null, city, cancellationToken)).Values.OrderBy(p => p.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>The districts of <paramref name="city"/> (id and name), ordered by id.</summary>
    public async Task<IReadOnlyList<KeyValuePair<string, string>>> ListDistrictsAsync(string city, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QueryAsync(null, "SELECT id, name FROM districts WHERE city = @city ORDER BY id", r => KeyValuePair.Create(r.GetString(0), r.GetString(1)), cancellationToken, ("@city", city));
    }

    private static async Task<Dictionary<string, RegisteredPole>> LoadPolesAsync(DbConnection connection, DbTransaction? transaction, string city, CancellationToken cancellationToken)
    {
        var devices = (await connection.QueryAsync(
                transaction,
                "SELECT pole, id, kind, model, rated_power_w FROM devices WHERE city = @city",
                r => (Pole: r.GetString(0), Device: new RegisteredDevice(r.GetString(1), MetricCatalog.TryGetKind(r.GetString(2), out var kind) ? kind : default, r.NullableString(3), r.GetDouble(4))),
                cancellationToken,
                ("@city", city)))
            .ToLookup(d => d.Pole, d => d.Device, StringComparer.Ordinal);
        var poles = await connection.QueryAsync(
            transaction,
            "SELECT id, name, lat, lon, address, district FROM poles WHERE city = @city",
            r => new RegisteredPole(
                r.GetString(0), r.GetString(1), r.GetDouble(2), r.GetDouble(3), r.NullableString(4), r.NullableString(5),
                devices[r.GetString(0)].OrderBy(d => d.Id, StringComparer.Ordinal).ToList()),
            cancellationToken,
            ("@city", city));
        return poles.ToDictionary(p => p.Id, StringComparer.Ordinal);
    }

    private static CityRecord ReadCity(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
        new CityBounds(r.GetDouble(4), r.GetDouble(5), r.GetDouble(6), r.GetDouble(7)),
        SettingsJson.Read(r.GetString(8)));

    private static void ValidateCity(CityRecord city)
    {
        ArgumentNullException.ThrowIfNull(city);
        static void Check(bool ok, string problem)
        {
            if (!ok)
            {
                throw new RegistryException(RegistryErrorKind.Invalid, problem);
            }
        }

        Check(Ids.IsValid(city.Id), $"City id '{city.Id}' must match [a-z0-9-]{{1,64}} and not be 'provision'.");
        Check(!string.IsNullOrWhiteSpace(city.NameZh) && city.NameZh.Length <= 200, "nameZh must be 1 to 200 characters.");
        Check(!string.IsNullOrWhiteSpace(city.NameEn) && city.NameEn.Length <= 200, "nameEn must be 1 to 200 characters.");
        Check(TimeZoneInfo.TryFindSystemTimeZoneById(city.TimeZone ?? "", out _), $"Unknown time zone '{city.TimeZone}' (use an IANA id such as Asia/Shanghai).");
        Check(city.Bounds is { IsValid: true }, "bounds must have south ≤ north within ±90 and west ≤ east within ±180.");
        Check(city.Settings is { ReportingIntervalS: >= 1 and <= 86_400 }, "settings.reportingIntervalS must be 1 to 86400.");
    }
}
