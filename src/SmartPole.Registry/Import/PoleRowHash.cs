using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SmartPole.Domain;

namespace SmartPole.Registry.Import;

/// <summary>A digest of everything an import sets on a pole, so a re-import finds unchanged rows without comparing column by column.</summary>
internal static class PoleRowHash
{
    public static string Of(RegisteredPole pole)
    {
        var text = new StringBuilder(256);
        void Add(string? value) => text.Append(value?.Length ?? -1).Append(':').Append(value).Append('|');
        Add(pole.Id);
        Add(pole.Name);
        Add(pole.Latitude.ToString("R", CultureInfo.InvariantCulture));
        Add(pole.Longitude.ToString("R", CultureInfo.InvariantCulture));
        Add(pole.Address);
        Add(pole.District);
        foreach (var device in pole.Devices.OrderBy(d => d.Id, StringComparer.Ordinal))
        {
            Add(device.Id);
            Add(MetricCatalog.WireName(device.Kind));
            Add(device.Model);
            Add(device.RatedPowerW.ToString("R", CultureInfo.InvariantCulture));
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
