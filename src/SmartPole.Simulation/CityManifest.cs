using System.Text.Json;
using System.Text.Json.Serialization;
using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Simulation.Cities;

namespace SmartPole.Simulation;

/// <summary>
/// A city described in a JSON file (the simulator's <c>--manifest</c>): the city, its poles with
/// coordinates and devices, and optional per-pole MQTT credentials. The format is documented in
/// <c>simulators/SmartPole.Simulator/README.md</c>; a pole without <c>devices</c> gets the demo
/// city's standard equipment.
/// </summary>
public sealed class CityManifest
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private CityManifest(CityInfo city, IReadOnlyDictionary<string, FleetCredential> credentials)
    {
        City = city;
        Credentials = credentials;
    }

    /// <summary>The city and its poles.</summary>
    public CityInfo City { get; }

    /// <summary>Credentials by pole id, for the poles that have one.</summary>
    public IReadOnlyDictionary<string, FleetCredential> Credentials { get; }

    /// <summary>Reads and checks a manifest file; throws <see cref="FormatException"/> naming the first problem.</summary>
    public static CityManifest Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses and checks manifest JSON; <paramref name="source"/> names it in error messages.</summary>
    public static CityManifest Parse(string json, string source = "manifest")
    {
        ManifestFile? file;
        try
        {
            file = JsonSerializer.Deserialize<ManifestFile>(json, Json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: not a valid manifest ({e.Message})", e);
        }

        if (file?.City is null)
        {
            throw new FormatException($"{source}: \"city\" is missing");
        }

        var city = file.City;
        Check(Ids.IsValid(city.Id ?? ""), $"{source}: city id '{city.Id}' must match [a-z0-9-]{{1,64}}");
        var timeZone = city.TimeZone ?? "Asia/Shanghai";
        Check(TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _), $"{source}: unknown time zone '{timeZone}'");
        Check(file.Poles is { Count: > 0 }, $"{source}: \"poles\" is missing or empty");

        var poles = new List<PoleInfo>(file.Poles!.Count);
        var credentials = new Dictionary<string, FleetCredential>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < file.Poles.Count; i++)
        {
            var pole = file.Poles[i];
            var where = $"{source}: poles[{i}]";
            Check(Ids.IsValid(pole.Id ?? ""), $"{where}: id '{pole.Id}' must match [a-z0-9-]{{1,64}} and not be 'provision'");
            Check(seen.Add(pole.Id!), $"{where}: id '{pole.Id}' appears twice");
            Check(pole.Lat is >= -90 and <= 90 && pole.Lon is >= -180 and <= 180, $"{where}: lat/lon missing or out of range");
            Check(pole.Username is null == pole.Password is null, $"{where}: give both username and password, or neither");
            IReadOnlyList<DeviceInfo> devices;
            if (pole.Devices is null)
            {
                devices = PoleEquipment.For(i, wideRoad: false);
            }
            else
            {
                var list = new List<DeviceInfo>(pole.Devices.Count);
                foreach (var device in pole.Devices)
                {
                    Check(!string.IsNullOrWhiteSpace(device.Id), $"{where}: a device has no id");
                    Check(MetricCatalog.TryGetKind(device.Kind ?? "", out var kind),
                        $"{where}: device '{device.Id}' has unknown kind '{device.Kind}' (one of {string.Join(", ", MetricCatalog.Kinds.Select(MetricCatalog.WireName))})");
                    Check(list.TrueForAll(d => d.Id != device.Id), $"{where}: device id '{device.Id}' appears twice");
                    list.Add(new DeviceInfo(device.Id!, kind, device.RatedPowerW ?? 0));
                }

                devices = list;
            }

            poles.Add(new PoleInfo(pole.Id!, pole.Name ?? pole.Id!, pole.Lat!.Value, pole.Lon!.Value, pole.District, devices));
            if (pole.Username is not null)
            {
                credentials[pole.Id!] = new FleetCredential(pole.Username, pole.Password!);
            }
        }

        return new CityManifest(new CityInfo(city.Id!, city.NameZh ?? city.Id!, city.NameEn ?? city.Id!, timeZone, poles), credentials);
    }

    private static void Check(bool condition, string problem)
    {
        if (!condition)
        {
            throw new FormatException(problem);
        }
    }

    private sealed record ManifestFile(ManifestCity? City, List<ManifestPole>? Poles);

    private sealed record ManifestCity(string? Id, string? NameZh, string? NameEn, string? TimeZone);

    private sealed record ManifestPole(
        string? Id,
        string? Name,
        double? Lat,
        double? Lon,
        string? District,
        List<ManifestDevice>? Devices,
        string? Username,
        string? Password);

    private sealed record ManifestDevice(string? Id, string? Kind, double? RatedPowerW);
}
