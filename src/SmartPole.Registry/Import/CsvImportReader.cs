using System.Text;

namespace SmartPole.Registry.Import;

/// <summary>
/// Reads the CSV import form (RFC 4180: quoted fields may hold commas, quotes and line breaks): a
/// header row naming the columns, then one row per device with its pole's columns repeated, or
/// one row with empty device columns for a pole without devices. Rows of one pole must agree on
/// the pole's columns (a later row may leave them empty).
/// </summary>
internal static class CsvImportReader
{
    public const string PoleId = "pole_id";
    public const string Name = "name";
    public const string Lat = "lat";
    public const string Lon = "lon";
    public const string Address = "address";
    public const string District = "district";
    public const string DeviceId = "device_id";
    public const string Kind = "kind";
    public const string Model = "model";
    public const string RatedPowerW = "rated_power_w";

    /// <summary>Every column, in the order exports write them.</summary>
    public static readonly string[] Columns = [PoleId, Name, Lat, Lon, Address, District, DeviceId, Kind, Model, RatedPowerW];

    private static readonly string[] Required = [PoleId, Lat, Lon];

    public static List<RawPole> Read(string text, ImportErrors errors)
    {
        var records = Records(text, errors);
        if (records.Count == 0)
        {
            errors.Add(0, "", "The file is empty: expected a header row (" + string.Join(',', Columns) + ").");
            return [];
        }

        var (headerRow, header) = records[0];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim().ToLowerInvariant();
            if (!Columns.Contains(name))
            {
                errors.Add(headerRow, header[i], $"unknown column '{header[i]}' (columns: {string.Join(',', Columns)})");
            }
            else if (!index.TryAdd(name, i))
            {
                errors.Add(headerRow, name, "column appears twice in the header");
            }
        }

        foreach (var missing in Required.Where(c => !index.ContainsKey(c)))
        {
            errors.Add(headerRow, missing, "required column is missing from the header");
        }

        if (errors.Any)
        {
            return [];
        }

        var poles = new Dictionary<string, RawPole>(StringComparer.Ordinal);
        var order = new List<RawPole>();
        foreach (var (row, fields) in records.Skip(1))
        {
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue;
            }

            if (fields.Count != header.Count)
            {
                errors.Add(row, "", $"has {fields.Count} fields, the header has {header.Count}");
                continue;
            }

            RawCell Cell(string column) => new(index.TryGetValue(column, out var i) ? fields[i] : null, row, column);

            var id = Cell(PoleId);
            var pole = new RawPole(row, id, Cell(Name), Cell(Lat), Cell(Lon), Cell(Address), Cell(District), []);
            var key = id.Trimmed ?? $"\0row{row}";
            if (poles.TryGetValue(key, out var first))
            {
                Agree(first.Name, pole.Name, errors);
                Agree(first.Lat, pole.Lat, errors);
                Agree(first.Lon, pole.Lon, errors);
                Agree(first.Address, pole.Address, errors);
                Agree(first.District, pole.District, errors);
                pole = first;
            }
            else
            {
                poles.Add(key, pole);
                order.Add(pole);
            }

            var device = new RawDevice(Cell(DeviceId), Cell(Kind), Cell(Model), Cell(RatedPowerW));
            if (!(device.Id.IsBlank && device.Kind.IsBlank && device.Model.IsBlank && device.RatedPowerW.IsBlank))
            {
                pole.Devices.Add(device);
            }

            if (errors.Full)
            {
                break;
            }
        }

        return order;
    }

    private static void Agree(RawCell first, RawCell later, ImportErrors errors)
    {
        if (!later.IsBlank && later.Trimmed != first.Trimmed)
        {
            errors.Add(later, $"'{later.Value}' differs from '{first.Value}' on row {first.Row} for the same pole");
        }
    }

    /// <summary>Splits <paramref name="text"/> into records of fields, each with its record number (1 = first).</summary>
    private static List<(int Row, List<string> Fields)> Records(string text, ImportErrors errors)
    {
        var records = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var row = 1;
        var i = 0;
        var atFieldStart = true;
        while (i < text.Length)
        {
            var c = text[i];
            if (atFieldStart && c == '"')
            {
                var startRow = row;
                i++;
                var closed = false;
                while (i < text.Length)
                {
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        closed = true;
                        i++;
                        break;
                    }

                    field.Append(text[i]);
                    i++;
                }

                if (!closed)
                {
                    errors.Add(startRow, "", "a quoted field is never closed (a missing '\"')");
                    return records;
                }

                if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    errors.Add(startRow, "", "text after a closing quote (write a quote inside a quoted field as \"\")");
                    while (i < text.Length && text[i] is not (',' or '\n'))
                    {
                        i++;
                    }
                }

                atFieldStart = false;
                continue;
            }

            switch (c)
            {
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    atFieldStart = true;
                    i++;
                    break;
                case '\r' or '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    records.Add((row, fields));
                    fields = [];
                    row++;
                    atFieldStart = true;
                    i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                    break;
                default:
                    field.Append(c);
                    atFieldStart = false;
                    i++;
                    break;
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add((row, fields));
        }

        return records;
    }
}
