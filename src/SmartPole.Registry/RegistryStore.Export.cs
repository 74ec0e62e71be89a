using System.Globalization;
using System.Text.Json;
using SmartPole.Domain;
using SmartPole.Registry.Export;
using SmartPole.Registry.Import;

namespace SmartPole.Registry;

public sealed partial class RegistryStore
{
    /// <summary>
    /// Writes the poles and devices of <paramref name="city"/> as CSV in the import form (so the file
    /// can be edited and imported back), free-text cells neutralised against formula injection.
    /// </summary>
    public async Task WritePolesCsvAsync(string city, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var poles = await ListPolesAsync(city, cancellationToken);
        await writer.WriteAsync(string.Join(',', CsvImportReader.Columns) + "\r\n");
        foreach (var pole in poles)
        {
            var head = string.Join(',',
                CsvCells.Plain(pole.Id), CsvCells.Text(pole.Name), Number(pole.Latitude), Number(pole.Longitude), CsvCells.Text(pole.Address), CsvCells.Plain(pole.District));
            if (pole.Devices.Count == 0)
            {
                await writer.WriteAsync(head + ",,,,\r\n");
            }

            foreach (var device in pole.Devices)
            {
                await writer.WriteAsync(string.Join(',', head, CsvCells.Plain(device.Id), MetricCatalog.WireName(device.Kind), CsvCells.Text(device.Model), Number(device.RatedPowerW)) + "\r\n");
            }
        }

        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Writes the manifest of <paramref name="city"/> (the simulator's <c>--manifest</c> format: city,
    /// poles with coordinates and devices) to <paramref name="output"/>, issuing pole credentials as
    /// <paramref name="credentials"/> says. Passwords appear in this output only.
    /// </summary>
    public async Task WriteManifestAsync(string city, ManifestCredentials credentials, Stream output, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var record = await FindCityAsync(city, cancellationToken) ?? throw new RegistryException(RegistryErrorKind.NotFound, $"No city '{city}'.");
        var poles = await ListPolesAsync(city, cancellationToken);
        var issued = credentials == ManifestCredentials.None
            ? []
            : (await IssuePoleCredentialsAsync(city, null, credentials == ManifestCredentials.RotateAll, actor, cancellationToken)).ToDictionary(c => c.Subject, StringComparer.Ordinal);

        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartObject("city"u8);
        json.WriteString("id"u8, record.Id);
        json.WriteString("nameZh"u8, record.NameZh);
        json.WriteString("nameEn"u8, record.NameEn);
        json.WriteString("timeZone"u8, record.TimeZone);
        json.WriteEndObject();
        json.WriteStartArray("poles"u8);
        foreach (var pole in poles)
        {
            json.WriteStartObject();
            json.WriteString("id"u8, pole.Id);
            json.WriteString("name"u8, pole.Name);
            json.WriteNumber("lat"u8, pole.Latitude);
            json.WriteNumber("lon"u8, pole.Longitude);
            if (pole.District is not null)
            {
                json.WriteString("district"u8, pole.District);
            }

            json.WriteStartArray("devices"u8);
            foreach (var device in pole.Devices)
            {
                json.WriteStartObject();
                json.WriteString("id"u8, device.Id);
                json.WriteString("kind"u8, MetricCatalog.WireName(device.Kind));
                if (device.RatedPowerW > 0)
                {
                    json.WriteNumber("ratedPowerW"u8, device.RatedPowerW);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (issued.TryGetValue(pole.Id, out var credential))
            {
                json.WriteString("username"u8, credential.Username);
                json.WriteString("password"u8, credential.Password);
            }

            json.WriteEndObject();
            if (json.BytesPending > 64 * 1024)
            {
                await json.FlushAsync(cancellationToken);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
