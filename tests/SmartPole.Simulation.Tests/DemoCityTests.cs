using SmartPole.Domain;
using SmartPole.Simulation;
using SmartPole.Testing;

namespace SmartPole.Simulation.Tests;

public sealed class DemoCityTests
{
    [Fact]
    public void Shenzhen_has_about_300_poles_inside_Futian_with_unique_valid_ids()
    {
        var city = DemoCity.Shenzhen;

        var ids = city.Poles.Select(p => p.Id).ToList();

        Assert.Equal("shenzhen", city.Id);
        Assert.Equal("Asia/Shanghai", city.TimeZone);
        Assert.InRange(city.Poles.Count, 280, 320);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(city.Poles, p =>
        {
            Assert.True(Ids.IsValid(p.Id), p.Id);
            Assert.InRange(p.Latitude, 22.51, 22.58);
            Assert.InRange(p.Longitude, 114.00, 114.11);
            Assert.Equal("futian", p.District);
        });
    }

    [Fact]
    public void Shenzhen_poles_are_named_after_their_roads_and_spaced_like_street_lights()
    {
        var poles = DemoCity.Shenzhen.Poles.Where(p => p.Id.StartsWith("ft-shennan-", StringComparison.Ordinal)).ToList();

        var gaps = poles.Zip(poles.Skip(1), (a, b) => DistanceM(a.Latitude, a.Longitude, b.Latitude, b.Longitude)).ToList();

        Assert.Equal("ft-shennan-001", poles[0].Id);
        Assert.Equal("深南大道 001 / Shennan Blvd 001", poles[0].Name);
        Assert.All(poles, p => Assert.InRange(p.Latitude, 22.539, 22.542));
        Assert.All(gaps, g => Assert.InRange(g, 30, 60));
    }

    [Fact]
    public void Every_demo_pole_carries_lamp_environment_cabinet_and_meter_and_some_carry_more()
    {
        var poles = DemoCity.Shenzhen.Poles;

        int Count(DeviceKind kind) => poles.Count(p => p.Devices.Any(d => d.Kind == kind));

        Assert.All(poles, p =>
        {
            Assert.Contains(p.Devices, d => d.Id == "lamp-1" && d.Kind == DeviceKind.Lighting);
            Assert.Contains(p.Devices, d => d.Id == "env-1" && d.Kind == DeviceKind.Environment);
            Assert.Contains(p.Devices, d => d.Id == "cab-1" && d.Kind == DeviceKind.Cabinet);
            Assert.Contains(p.Devices, d => d.Id == "meter-1" && d.Kind == DeviceKind.Meter);
            Assert.Equal(p.Devices.Count, p.Devices.Select(d => d.Id).Distinct(StringComparer.Ordinal).Count());
        });
        Assert.InRange(Count(DeviceKind.SmallCell), poles.Count / 4, poles.Count / 2);
        Assert.InRange(Count(DeviceKind.Camera), poles.Count / 3, (poles.Count * 2) / 3);
        Assert.InRange(Count(DeviceKind.Display), 1, poles.Count / 5);
        Assert.InRange(Count(DeviceKind.Charger), 1, poles.Count / 10);
        Assert.InRange(Count(DeviceKind.Sos), 1, poles.Count / 4);
        Assert.Contains(poles, p => p.Devices.Any(d => d.Id == "lamp-2"));
    }

    [Fact]
    public void Shenzhen_is_read_from_the_shared_data_file_a_manifest_that_also_loads_with_its_credentials_empty()
    {
        var file = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "SmartPole.Simulation", "Cities", "shenzhen-futian.json"));

        var manifest = CityManifest.Parse(DemoCity.ReadManifest());

        Assert.Equal(file, DemoCity.ReadManifest());
        Assert.Empty(manifest.Credentials);
        Assert.Equal(DemoCity.Shenzhen.Poles.Select(p => (p.Id, p.Name, p.Latitude, p.Longitude, p.Devices.Count)), manifest.City.Poles.Select(p => (p.Id, p.Name, p.Latitude, p.Longitude, p.Devices.Count)));
    }

    [Fact]
    public void Shenzhen_is_the_same_instance_every_time()
    {
        Assert.Same(DemoCity.Shenzhen, DemoCity.Shenzhen);
    }

    internal static double DistanceM(double lat1, double lon1, double lat2, double lon2)
    {
        var north = (lat2 - lat1) * 111_000;
        var east = (lon2 - lon1) * 111_000 * Math.Cos(lat1 * Math.PI / 180);
        return Math.Sqrt((north * north) + (east * east));
    }
}
