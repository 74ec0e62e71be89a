using System.Globalization;
using System.Text;
using SmartPole.Mqtt;
using SmartPole.Testing;

namespace SmartPole.EndToEnd.Tests;

/// <summary>
/// The city hub fanning out to many dashboards at once: real connections of the official
/// @microsoft/signalr client under node to the server process, poles publishing over MQTT.
/// </summary>
public sealed class HubFanOutTests
{
    private const string City = "fanout";
    private const int Connections = 50;
    private const int Poles = 100;
    private const int Rounds = 5;

    [Fact]
    public async Task Fifty_dashboards_each_get_the_latest_state_of_every_pole()
    {
        await using var server = await ServerProcess.StartAsync();
        await using var gateway = new MqttClient(new MqttClientOptions { Port = server.MqttPort, ClientId = "fanout-gateway" });
        await gateway.ConnectAsync();
        await PublishRoundAsync(gateway, 1);
        await WaitFor.ConditionAsync(async () => (await server.GetJsonAsync($"api/cities/{City}/poles")).GetArrayLength() == Poles,
            TimeSpan.FromSeconds(30), () => $"the server did not register {Poles} poles:\n{server.Output}");
        await using var dashboards = ManagedProcess.Start(RealPeer.Node,
            ["signalr-fanout.mjs", server.BaseUrl.ToString(), City, Connections.ToString(CultureInfo.InvariantCulture), Poles.ToString(CultureInfo.InvariantCulture), Rounds.ToString(CultureInfo.InvariantCulture)],
            Path.GetDirectoryName(RealPeer.NodeModules)!);
        await dashboards.WaitForLineAsync(l => l.StartsWith("joined", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        // Rounds follow each other faster than a flush: most poles' middle rounds are merged away, the last must arrive.
        for (var seq = 2; seq <= Rounds; seq++)
        {
            await PublishRoundAsync(gateway, seq);
        }

        string? missing = null;
        try
        {
            await dashboards.WaitForLineAsync(l => l == "complete", TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            await dashboards.WriteLineAsync("report");
            missing = await dashboards.WaitForLineAsync(l => l.StartsWith("{\"connections\"", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        }

        Assert.True(missing is null, $"not every dashboard got seq {Rounds} of all {Poles} poles: {missing}\n{dashboards.Output}");
    }

    private static async Task PublishRoundAsync(MqttClient gateway, int seq)
    {
        var ts = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        await Task.WhenAll(Enumerable.Range(1, Poles).Select(pole =>
        {
            var frame = string.Create(CultureInfo.InvariantCulture,
                $$$"""{"ts":"{{{ts}}}","seq":{{{seq}}},"devices":[{"id":"lamp-1","kind":"lighting","m":{"on":true,"dimPct":{{{seq * 10}}},"powerW":{{{pole + seq}}}}}]}""");
            return gateway.PublishAsync(new MqttApplicationMessage($"sp/{City}/p-{pole:000}/telemetry", Encoding.UTF8.GetBytes(frame), MqttQualityOfService.AtLeastOnce));
        }));
    }
}
