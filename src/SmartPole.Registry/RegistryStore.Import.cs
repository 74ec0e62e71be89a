using System.Data.Common;
using System.Globalization;
using SmartPole.Domain;
using SmartPole.Registry.Import;
using SmartPole.Registry.Storage;

namespace SmartPole.Registry;

public sealed partial class RegistryStore
{
    /// <summary>
    /// Imports poles and devices into <paramref name="city"/> from <paramref name="content"/>:
    /// every row is checked first and any problem refuses the whole file
    /// (<see cref="ImportRejectedException"/> listing each with row and column); otherwise one
    /// transaction adds new poles, updates changed ones (their devices replaced by the file's) and
    /// leaves identical ones alone, so importing the same file twice changes nothing the second time.
    /// Poles missing from the file are kept.
    /// </summary>
    public async Task<ImportReport> ImportAsync(string city, Stream content, ImportFormat format, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var target = await FindCityAsync(city, cancellationToken) ?? throw new RegistryException(RegistryErrorKind.NotFound, $"No city '{city}'.");
        var text = await ImportText.ReadAsync(content, _options.MaxImportBytes, cancellationToken);
        var errors = new ImportErrors();
        var raw = format == ImportFormat.Csv ? CsvImportReader.Read(text, errors) : JsonImportReader.Read(text, errors);

        // Shape problems and value problems are reported together, in row order.
        var poles = ImportValidator.Validate(raw, target.Bounds, errors);
        errors.ThrowIfAny();
        if (poles.Count == 0)
        {
            throw new ImportRejectedException("The file holds no poles.");
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var existing = (await connection.QueryAsync(transaction, "SELECT id, row_hash FROM poles WHERE city = @city", r => (r.GetString(0), r.GetString(1)), cancellationToken, ("@city", city)))
            .ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);
        var now = NowMs;

        await using var insertPole = connection.Command(transaction,
            "INSERT INTO poles (city, id, name, lat, lon, address, district, row_hash, updated_at) VALUES (@city, @id, @name, @lat, @lon, @address, @district, @hash, @at)",
            ("@city", city), ("@id", null), ("@name", null), ("@lat", null), ("@lon", null), ("@address", null), ("@district", null), ("@hash", null), ("@at", now));
        await using var updatePole = connection.Command(transaction,
            "UPDATE poles SET name = @name, lat = @lat, lon = @lon, address = @address, district = @district, row_hash = @hash, updated_at = @at WHERE city = @city AND id = @id",
            ("@city", city), ("@id", null), ("@name", null), ("@lat", null), ("@lon", null), ("@address", null), ("@district", null), ("@hash", null), ("@at", now));
        await using var deleteDevices = connection.Command(transaction, "DELETE FROM devices WHERE city = @city AND pole = @pole", ("@city", city), ("@pole", null));
        await using var insertDevice = connection.Command(transaction,
            "INSERT INTO devices (city, pole, id, kind, model, rated_power_w) VALUES (@city, @pole, @id, @kind, @model, @rated)",
            ("@city", city), ("@pole", null), ("@id", null), ("@kind", null), ("@model", null), ("@rated", null));

        int created = 0, updated = 0, unchanged = 0;
        foreach (var pole in poles)
        {
            var hash = PoleRowHash.Of(pole);
            var known = existing.TryGetValue(pole.Id, out var oldHash);
            if (known && oldHash == hash)
            {
                unchanged++;
                continue;
            }

            var write = known ? updatePole : insertPole;
            Set(write, ("@id", pole.Id), ("@name", pole.Name), ("@lat", pole.Latitude), ("@lon", pole.Longitude), ("@address", pole.Address), ("@district", pole.District), ("@hash", hash));
            await write.ExecuteNonQueryAsync(cancellationToken);
            if (known)
            {
                Set(deleteDevices, ("@pole", pole.Id));
                await deleteDevices.ExecuteNonQueryAsync(cancellationToken);
                updated++;
            }
            else
            {
                created++;
            }

            foreach (var device in pole.Devices)
            {
                Set(insertDevice, ("@pole", pole.Id), ("@id", device.Id), ("@kind", MetricCatalog.WireName(device.Kind)), ("@model", device.Model), ("@rated", device.RatedPowerW));
                await insertDevice.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        foreach (var district in poles.Select(p => p.District).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            await connection.ExecuteAsync(transaction, "INSERT INTO districts (city, id, name) VALUES (@city, @id, @id) ON CONFLICT (city, id) DO NOTHING", cancellationToken, ("@city", city), ("@id", district));
        }

        var report = new ImportReport(created, updated, unchanged, poles.Sum(p => p.Devices.Count));
        await WriteAuditAsync(connection, transaction, city, actor, "import", AuditOutcome.Succeeded,
            string.Create(CultureInfo.InvariantCulture, $"{format}: {created} created, {updated} updated, {unchanged} unchanged"), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return report;
    }

    private static void Set(DbCommand command, params (string Name, object? Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            command.Parameters[name].Value = value ?? DBNull.Value;
        }
    }
}
