using System.Globalization;
using System.Text.Json;

namespace SmartPole.Registry.Import;

/// <summary>
/// Reads the JSON import form: <c>{"poles":[{"id","name","lat","lon","address","district","devices":[{"id","kind","model","ratedPowerW"}]}]}</c>
/// (a bare array of poles is accepted too). A syntax error names its line; a value error names the
/// pole's position and the member path. Unknown members are errors, so a misspelt column is not lost silently.
/// </summary>
internal static class JsonImportReader
{
    private static readonly string[] PoleMembers = ["id", "name", "lat", "lon", "address", "district", "devices"];
    private static readonly string[] DeviceMembers = ["id", "kind", "model", "ratedPowerW"];

    public static List<RawPole> Read(string text, ImportErrors errors)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            errors.Add((int)(e.LineNumber ?? 0) + 1, string.Create(CultureInfo.InvariantCulture, $"byte {e.BytePositionInLine ?? 0}"), "not valid JSON: " + FirstSentence(e.Message));
            return [];
        }

        using (document)
        {
            var root = document.RootElement;
            JsonElement poles;
            if (root.ValueKind == JsonValueKind.Array)
            {
                poles = root;
            }
            else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("poles", out poles) && poles.ValueKind == JsonValueKind.Array)
            {
                foreach (var member in root.EnumerateObject().Where(m => m.Name != "poles"))
                {
                    errors.Add(0, member.Name, $"unknown member '{member.Name}' (expected only \"poles\")");
                }
            }
            else
            {
                errors.Add(0, "poles", "expected an object with a \"poles\" array");
                return [];
            }

            var result = new List<RawPole>(poles.GetArrayLength());
            var row = 0;
            foreach (var pole in poles.EnumerateArray())
            {
                row++;
                if (pole.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(row, "", "a pole must be a JSON object");
                    continue;
                }

                Unknown(pole, PoleMembers, row, "", errors);
                var devices = new List<RawDevice>();
                if (pole.TryGetProperty("devices", out var list) && list.ValueKind != JsonValueKind.Null)
                {
                    if (list.ValueKind != JsonValueKind.Array)
                    {
                        errors.Add(row, "devices", "must be an array");
                    }
                    else
                    {
                        var d = 0;
                        foreach (var device in list.EnumerateArray())
                        {
                            var path = string.Create(CultureInfo.InvariantCulture, $"devices[{d++}].");
                            if (device.ValueKind != JsonValueKind.Object)
                            {
                                errors.Add(row, path.TrimEnd('.'), "a device must be a JSON object");
                                continue;
                            }

                            Unknown(device, DeviceMembers, row, path, errors);
                            devices.Add(new RawDevice(
                                Cell(device, "id", row, path, errors),
                                Cell(device, "kind", row, path, errors),
                                Cell(device, "model", row, path, errors),
                                Cell(device, "ratedPowerW", row, path, errors)));
                        }
                    }
                }

                result.Add(new RawPole(
                    row,
                    Cell(pole, "id", row, "", errors),
                    Cell(pole, "name", row, "", errors),
                    Cell(pole, "lat", row, "", errors),
                    Cell(pole, "lon", row, "", errors),
                    Cell(pole, "address", row, "", errors),
                    Cell(pole, "district", row, "", errors),
                    devices));
                if (errors.Full)
                {
                    break;
                }
            }

            return result;
        }
    }

    private static RawCell Cell(JsonElement owner, string member, int row, string path, ImportErrors errors)
    {
        var column = path + member;
        if (!owner.TryGetProperty(member, out var value))
        {
            return new RawCell(null, row, column);
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return new RawCell(value.GetString(), row, column);
            case JsonValueKind.Number:
                return new RawCell(value.GetRawText(), row, column);
            case JsonValueKind.Null:
                return new RawCell(null, row, column);
            default:
                errors.Add(row, column, $"must be a string or a number, not {value.ValueKind.ToString().ToLowerInvariant()}");
                return new RawCell(null, row, column);
        }
    }

    private static void Unknown(JsonElement element, string[] known, int row, string path, ImportErrors errors)
    {
        foreach (var member in element.EnumerateObject().Where(m => !known.Contains(m.Name)))
        {
            errors.Add(row, path + member.Name, $"unknown member (expected {string.Join(", ", known)})");
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
