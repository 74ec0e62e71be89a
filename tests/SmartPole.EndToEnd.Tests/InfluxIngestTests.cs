using System.Text.Json;
using SmartPole.Testing;

namespace SmartPole.EndToEnd.Tests;

/// <summary>The server configured for InfluxDB (v1 API) writes every reading to a real influxd.</summary>
public sealed class InfluxIngestTests
{
    [Fact]
    public async Task Every_device_reading_the_simulator_sent_lands_in_a_real_influxd()
    {
        await using var influx = await InfluxServer.StartAsync();
        await using var server = await ServerProcess.StartAsync($"--Influx:Url={influx.Url}", "--Influx:Database=e2e", "--Influx:FlushInterval=00:00:00.200");
        using var work = new TempDirectory("e2e-influx");
        var summaryFile = Path.Combine(work.Path, "summary.json");

        await using (var simulator = ManagedProcess.Start("dotnet",
        [
            RepoPaths.BuiltDll("simulators", "SmartPole.Simulator"),
            "--broker", server.MqttUrl.ToString(), "--city", "influx-city", "--poles", "20",
            "--interval", "1s", "--duration", "3s", "--qos", "1", "--seed", "3", "--summary", summaryFile,
        ]))
        {
            Assert.Equal(0, await simulator.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }

        var summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryFile)).RootElement;
        var readings = summary.GetProperty("lines").GetInt64();
        await WaitFor.ConditionAsync(
            async () => await CountPointsAsync(influx) >= readings,
            TimeSpan.FromSeconds(20),
            () => $"influxd holds fewer than {readings} points; server output:\n{server.Output}");
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.True(readings >= 20 * 6, $"only {readings} readings sent");
        Assert.Equal(readings, await CountPointsAsync(influx));
        using var cities = await influx.QueryAsync("SHOW TAG VALUES FROM \"lighting\" WITH KEY = \"city\"", "e2e");
        Assert.Equal("influx-city", cities.RootElement.GetProperty("results")[0].GetProperty("series")[0].GetProperty("values")[0][1].GetString());
    }

    // One point per device reading: per measurement the most-counted field counts the points
    // (the simulator sends every metric of a device in each reading), summed over measurements.
    private static async Task<long> CountPointsAsync(InfluxServer influx)
    {
        using var doc = await influx.QueryAsync("SELECT COUNT(*) FROM /.*/", "e2e");
        var result = doc.RootElement.GetProperty("results")[0];
        if (!result.TryGetProperty("series", out var series))
        {
            return 0;
        }

        return series.EnumerateArray()
            .Sum(s => s.GetProperty("values")[0].EnumerateArray().Skip(1).Max(v => v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0));
    }
}
