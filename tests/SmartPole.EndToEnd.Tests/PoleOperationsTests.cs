using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SmartPole.Testing;

namespace SmartPole.EndToEnd.Tests;

/// <summary>Alarms raised by the twin and commands sent to a simulated pole, through the real server.</summary>
public sealed class PoleOperationsTests : IAsyncLifetime
{
    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_leaning_pole_raises_a_tilt_alarm_that_an_operator_acknowledges()
    {
        var ts = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        await PublishAsync("sp/ops/pole-7/telemetry", $$$"""{"ts":"{{{ts}}}","seq":1,"devices":[{"id":"cab-1","kind":"cabinet","m":{"tiltDeg":9.5,"doorOpen":false}}]}""");

        var alarm = await WaitForAlarmAsync(a => a.GetProperty("alarm").GetProperty("type").GetString() == "tilt");
        var id = alarm.GetProperty("alarm").GetProperty("id").GetString();
        using var ack = await _server.Http.PostAsync($"api/cities/ops/poles/pole-7/alarms/{id}/acknowledge", content: null);
        using var unknown = await _server.Http.PostAsync("api/cities/ops/poles/pole-7/alarms/no-such-alarm/acknowledge", content: null);
        var after = (await _server.GetJsonAsync("api/cities/ops/alarms")).EnumerateArray()
            .Single(a => a.GetProperty("alarm").GetProperty("id").GetString() == id);

        Assert.Equal("pole-7", alarm.GetProperty("pole").GetString());
        Assert.Equal("cab-1", alarm.GetProperty("alarm").GetProperty("device").GetString());
        Assert.Equal(HttpStatusCode.NoContent, ack.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("acknowledged", after.GetProperty("alarm").GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_dim_command_reaches_the_simulated_pole_and_its_ack_completes_it()
    {
        await using var simulator = ManagedProcess.Start("dotnet",
        [
            RepoPaths.BuiltDll("simulators", "SmartPole.Simulator"),
            "--broker", _server.MqttUrl.ToString(), "--city", "ops", "--poles", "1", "--interval", "1s", "--duration", "60s", "--qos", "1",
        ]);
        await WaitFor.ConditionAsync(
            async () => (await _server.Http.GetAsync("api/cities/ops/poles/p-000001")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(30),
            () => simulator.Output);

        using var sent = await _server.Http.PostAsJsonAsync("api/cities/ops/poles/p-000001/commands", new { device = "lamp-1", action = "dim", args = new { pct = 30 } });
        var accepted = await sent.Content.ReadFromJsonAsync<JsonElement>();
        var id = accepted.GetProperty("id").GetString();
        JsonElement command = default;
        await WaitFor.ConditionAsync(
            async () =>
            {
                command = await _server.GetJsonAsync($"api/cities/ops/poles/p-000001/commands/{id}");
                return command.GetProperty("status").GetString() is "acked" or "failed" or "timedOut";
            },
            TimeSpan.FromSeconds(20),
            () => $"command still {command}; simulator:\n{simulator.Output}");

        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        Assert.Equal($"/api/cities/ops/poles/p-000001/commands/{id}", sent.Headers.Location?.ToString());
        Assert.Equal("acked", command.GetProperty("status").GetString());
        Assert.Equal("dim", command.GetProperty("request").GetProperty("action").GetString());
    }

    [Fact]
    public async Task A_command_without_an_action_is_refused_with_problem_details()
    {
        await PublishAsync("sp/ops/pole-8/status", "online");

        using var refused = await _server.Http.PostAsJsonAsync("api/cities/ops/poles/pole-8/commands", new { device = "lamp-1" });
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("'action'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> WaitForAlarmAsync(Func<JsonElement, bool> match)
    {
        JsonElement found = default;
        await WaitFor.ConditionAsync(
            async () =>
            {
                var alarms = await _server.GetJsonAsync("api/cities/ops/alarms");
                found = alarms.EnumerateArray().FirstOrDefault(match);
                return found.ValueKind == JsonValueKind.Object;
            },
            TimeSpan.FromSeconds(10),
            () => $"no such alarm; server output:\n{_server.Output}");
        return found;
    }

    private Task PublishAsync(string topic, string payload) => MosquittoPub.PublishAsync(_server.MqttPort, topic, payload);
}
