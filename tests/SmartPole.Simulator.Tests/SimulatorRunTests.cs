using SmartPole.Simulation;
using SmartPole.Simulator;
using SmartPole.Testing;

namespace SmartPole.Simulator.Tests;

public sealed class SimulatorRunTests
{
    [Fact]
    public void Shenzhen_with_fewer_poles_takes_the_first_demo_poles()
    {
        var (city, _) = SimulatorRun.ChooseCity(null, null, 50, seed: 1);

        Assert.Equal("shenzhen", city.Id);
        Assert.Equal(DemoCity.Shenzhen.Poles.Take(50), city.Poles);
    }

    [Fact]
    public void Shenzhen_with_more_poles_than_the_demo_adds_generated_ones_with_distinct_ids()
    {
        var (city, _) = SimulatorRun.ChooseCity(null, "shenzhen", 1_000, seed: 1);

        Assert.Equal(1_000, city.Poles.Count);
        Assert.Equal(1_000, city.Poles.Select(p => p.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(DemoCity.Shenzhen.Poles, city.Poles.Take(DemoCity.Shenzhen.Poles.Count));
    }

    [Fact]
    public void Another_city_is_generated_with_300_poles_by_default()
    {
        var (city, _) = SimulatorRun.ChooseCity(null, "wuhan", null, seed: 3);

        Assert.Equal("wuhan", city.Id);
        Assert.Equal(300, city.Poles.Count);
    }

    [Fact]
    public void A_manifest_gives_the_city_and_its_credentials_and_refuses_another_city_id()
    {
        using var dir = new TempDirectory();
        var file = new FileInfo(Path.Combine(dir.Path, "city.json"));
        File.WriteAllText(file.FullName, """
            {"city":{"id":"pilot"},"poles":[{"id":"a-1","lat":22.5,"lon":114,"username":"a-1","password":"pw"},{"id":"a-2","lat":22.5,"lon":114.001}]}
            """);

        var (city, credentials) = SimulatorRun.ChooseCity(file, null, null, seed: 1);
        var error = Assert.Throws<ArgumentException>(() => SimulatorRun.ChooseCity(file, "shenzhen", null, seed: 1));

        Assert.Equal("pilot", city.Id);
        Assert.Equal(2, city.Poles.Count);
        Assert.Equal(new FleetCredential("a-1", "pw"), credentials["a-1"]);
        Assert.Contains("does not match the manifest's city 'pilot'", error.Message, StringComparison.Ordinal);
    }
}
