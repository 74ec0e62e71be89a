using SmartPole.Domain;
using SmartPole.Simulation;

namespace SmartPole.Simulation.Tests;

public sealed class GeneratedCityTests
{
    [Fact]
    public void Create_gives_the_asked_number_of_poles_with_unique_valid_ids()
    {
        var city = GeneratedCity.Create("wuhan", 1234, seed: 7);

        Assert.Equal("wuhan", city.Id);
        Assert.Equal(1234, city.Poles.Count);
        Assert.Equal(1234, city.Poles.Select(p => p.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(city.Poles, p => Assert.True(Ids.IsValid(p.Id), p.Id));
        Assert.All(city.Poles, p => Assert.Contains(p.Devices, d => d.Kind == DeviceKind.Lighting));
    }

    [Fact]
    public void Create_is_reproducible_per_seed_and_differs_between_seeds()
    {
        var a = GeneratedCity.Create("testcity", 100, seed: 1);
        var b = GeneratedCity.Create("testcity", 100, seed: 1);
        var c = GeneratedCity.Create("testcity", 100, seed: 2);

        Assert.Equal(a.Poles.Select(p => (p.Latitude, p.Longitude)), b.Poles.Select(p => (p.Latitude, p.Longitude)));
        Assert.NotEqual(a.Poles[0].Latitude, c.Poles[0].Latitude);
    }

    [Fact]
    public void Create_refuses_an_invalid_city_id()
    {
        var error = Assert.Throws<ArgumentException>(() => GeneratedCity.Create("Not Valid", 10, 1));

        Assert.Contains("not a valid city id", error.Message, StringComparison.Ordinal);
    }
}
