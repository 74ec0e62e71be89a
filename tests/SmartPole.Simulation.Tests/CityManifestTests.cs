using SmartPole.Domain;
using SmartPole.Simulation;

namespace SmartPole.Simulation.Tests;

public sealed class CityManifestTests
{
    [Fact]
    public void Parse_reads_the_city_its_poles_devices_and_credentials()
    {
        const string Json = """
            {
              "city": { "id": "nanshan-pilot", "nameZh": "南山", "nameEn": "Nanshan", "timeZone": "Asia/Shanghai" },
              "poles": [
                { "id": "ns-001", "name": "科技园 001", "lat": 22.54, "lon": 113.95, "district": "nanshan",
                  "devices": [ { "id": "lamp-1", "kind": "lighting", "ratedPowerW": 120 }, { "id": "meter-1", "kind": "meter" } ],
                  "username": "ns-001", "password": "s3cret" },
                { "id": "ns-002", "lat": 22.5404, "lon": 113.9504 }
              ]
            }
            """;

        var manifest = CityManifest.Parse(Json);

        Assert.Equal("nanshan-pilot", manifest.City.Id);
        Assert.Equal("南山", manifest.City.NameZh);
        Assert.Equal(2, manifest.City.Poles.Count);
        Assert.Equal(120, manifest.City.Poles[0].Devices[0].RatedPowerW);
        Assert.Equal(DeviceKind.Meter, manifest.City.Poles[0].Devices[1].Kind);
        Assert.Equal(new FleetCredential("ns-001", "s3cret"), manifest.Credentials["ns-001"]);
        Assert.False(manifest.Credentials.ContainsKey("ns-002"));
        Assert.Equal("ns-002", manifest.City.Poles[1].Name);
        Assert.Contains(manifest.City.Poles[1].Devices, d => d.Kind == DeviceKind.Lighting);
    }

    [Theory]
    [InlineData("""{"poles":[]}""", "\"city\" is missing")]
    [InlineData("""{"city":{"id":"Bad City"},"poles":[{"id":"a","lat":1,"lon":1}]}""", "city id 'Bad City'")]
    [InlineData("""{"city":{"id":"c","timeZone":"Mars/Olympus"},"poles":[{"id":"a","lat":1,"lon":1}]}""", "unknown time zone 'Mars/Olympus'")]
    [InlineData("""{"city":{"id":"c"},"poles":[{"id":"a","lat":1,"lon":1},{"id":"provision","lat":1,"lon":1}]}""", "poles[1]: id 'provision'")]
    [InlineData("""{"city":{"id":"c"},"poles":[{"id":"a","lat":1,"lon":1},{"id":"a","lat":1,"lon":1}]}""", "poles[1]: id 'a' appears twice")]
    [InlineData("""{"city":{"id":"c"},"poles":[{"id":"a","lat":91,"lon":1}]}""", "poles[0]: lat/lon")]
    [InlineData("""{"city":{"id":"c"},"poles":[{"id":"a","lat":1,"lon":1,"devices":[{"id":"x","kind":"toaster"}]}]}""", "unknown kind 'toaster'")]
    [InlineData("""{"city":{"id":"c"},"poles":[{"id":"a","lat":1,"lon":1,"username":"u"}]}""", "both username and password")]
    [InlineData("""{"city":{"id":"c"},"poles":[{"id":"a","lat":1,"lon":1,"colour":"red"}]}""", "not a valid manifest")]
    public void Parse_refuses_a_bad_manifest_naming_the_problem(string json, string problem)
    {
        var error = Assert.Throws<FormatException>(() => CityManifest.Parse(json, "test.json"));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("test.json", error.Message, StringComparison.Ordinal);
    }
}
