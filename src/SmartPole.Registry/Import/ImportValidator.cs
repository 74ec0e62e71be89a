using System.Globalization;
using SmartPole.Domain;

namespace SmartPole.Registry.Import;

/// <summary>
/// Checks every raw pole and device and turns them into registry rows: ids by the wire contract's
/// rule, coordinates in range and inside the city's bounds, known device kinds, sane lengths, no
/// control characters, no id twice. Every problem is reported; none stops the others being found.
/// </summary>
internal static class ImportValidator
{
    private const int MaxName = 200;
    private const int MaxAddress = 500;
    private const int MaxModel = 100;
    private const double MaxRatedPowerW = 1_000_000;

    public static List<RegisteredPole> Validate(IReadOnlyList<RawPole> raw, CityBounds bounds, ImportErrors errors)
    {
        var poles = new List<RegisteredPole>(raw.Count);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pole in raw)
        {
            var id = Id(pole.Id, "pole id", errors);
            if (id is not null && !seen.TryAdd(id, pole.Row))
            {
                errors.Add(pole.Id, $"pole id '{id}' appears twice (first on row {seen[id]})");
            }

            var name = Text(pole.Name, MaxName, errors) ?? id;
            var lat = Number(pole.Lat, -90, 90, errors);
            var lon = Number(pole.Lon, -180, 180, errors);
            if (lat is { } la && lon is { } lo && !bounds.Contains(la, lo))
            {
                errors.Add(pole.Lat, string.Create(CultureInfo.InvariantCulture,
                    $"({la}, {lo}) lies outside the city's bounds (south {bounds.South}, west {bounds.West}, north {bounds.North}, east {bounds.East})"));
            }

            var address = Text(pole.Address, MaxAddress, errors);
            var district = pole.District.IsBlank ? null : Id(pole.District, "district id", errors);
            var devices = new List<RegisteredDevice>(pole.Devices.Count);
            var deviceRows = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var device in pole.Devices)
            {
                var deviceId = Id(device.Id, "device id", errors);
                if (deviceId is not null && !deviceRows.TryAdd(deviceId, device.Id.Row))
                {
                    errors.Add(device.Id, $"device id '{deviceId}' appears twice on pole '{id}' (first on row {deviceRows[deviceId]})");
                }

                DeviceKind kind = default;
                var kindOk = false;
                if (device.Kind.IsBlank)
                {
                    errors.Add(device.Kind, "device kind is missing");
                }
                else if (!(kindOk = MetricCatalog.TryGetKind(device.Kind.Trimmed!, out kind)))
                {
                    errors.Add(device.Kind, $"unknown device kind '{device.Kind.Value}' (one of {string.Join(", ", MetricCatalog.Kinds.Select(MetricCatalog.WireName))})");
                }

                var model = Text(device.Model, MaxModel, errors);
                var rated = device.RatedPowerW.IsBlank ? 0 : Number(device.RatedPowerW, 0, MaxRatedPowerW, errors);
                if (deviceId is not null && kindOk && rated is not null)
                {
                    devices.Add(new RegisteredDevice(deviceId, kind, model, rated.Value));
                }
            }

            if (id is not null && name is not null && lat is not null && lon is not null)
            {
                devices.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
                poles.Add(new RegisteredPole(id, name, lat.Value, lon.Value, address, district, devices));
            }

            if (errors.Full)
            {
                break;
            }
        }

        return poles;
    }

    private static string? Id(RawCell cell, string what, ImportErrors errors)
    {
        if (cell.IsBlank)
        {
            errors.Add(cell, $"{what} is missing");
            return null;
        }

        var id = cell.Trimmed!;
        if (!Ids.IsValid(id))
        {
            errors.Add(cell, $"{what} '{Shorten(id)}' must match [a-z0-9-]{{1,64}} (lowercase) and not be 'provision'");
            return null;
        }

        return id;
    }

    private static string? Text(RawCell cell, int maxLength, ImportErrors errors)
    {
        if (cell.IsBlank)
        {
            return null;
        }

        var text = cell.Trimmed!;
        if (text.Length > maxLength)
        {
            errors.Add(cell, $"is {text.Length} characters long; at most {maxLength}");
            return null;
        }

        if (text.Any(char.IsControl))
        {
            errors.Add(cell, "contains control characters (line breaks, tabs)");
            return null;
        }

        return text;
    }

    private static double? Number(RawCell cell, double min, double max, ImportErrors errors)
    {
        if (cell.IsBlank)
        {
            errors.Add(cell, "is missing");
            return null;
        }

        if (!double.TryParse(cell.Trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            errors.Add(cell, $"'{Shorten(cell.Value!)}' is not a number (use a dot for decimals)");
            return null;
        }

        if (value < min || value > max)
        {
            errors.Add(cell, string.Create(CultureInfo.InvariantCulture, $"{value} is out of range ({min} to {max})"));
            return null;
        }

        return value;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
