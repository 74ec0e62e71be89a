using System.Text.Json;
using Microsoft.Playwright;
using SmartPole.Testing;

namespace SmartPole.EndToEnd.Tests;

/// <summary>
/// What an operator does from the dashboard: acknowledge an alarm the field simulator caused, and
/// dim a demo pole's lights and see the pole's ack arrive.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardOperationsTests(DashboardFixture fixture)
{
    private const string FaultCity = "dash-faults";

    private ServerProcess Server => fixture.Server;

    [Fact]
    public async Task An_alarm_from_an_injected_fault_appears_in_the_feed_and_is_acknowledged_from_the_page()
    {
        // One pole that leans on its second frame and stays leaning for the whole test.
        await using var simulator = ManagedProcess.Start("dotnet",
        [
            RepoPaths.BuiltDll("simulators", "SmartPole.Simulator"),
            "--broker", Server.MqttUrl.ToString(), "--city", FaultCity, "--poles", "1", "--interval", "1s", "--duration", "120s",
            "--qos", "1", "--seed", "3", "--faults", "tilt", "--fault-rate", "36000", "--fault-duration", "1h",
        ]);
        await WaitFor.ConditionAsync(
            async () => (await Server.Http.GetAsync($"api/cities/{FaultCity}/poles")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(30),
            () => $"the fault city never appeared; simulator:\n{simulator.Output}");

        await fixture.WithPageAsync(FaultCity, 1920, 1080, async (page, errors) =>
        {
            var tilt = page.Locator("#feed li[data-alarm][data-state='active']").Filter(new() { HasText = "tilt" }).First;
            await Assertions.Expect(tilt).ToBeVisibleAsync(new() { Timeout = 30_000 });
            var pole = await tilt.GetAttributeAsync("data-pole");
            var id = await tilt.GetAttributeAsync("data-alarm");
            var item = page.Locator($"#feed li[data-alarm='{id}']");
            await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardFixture.Screenshots, "alarm-feed-1920x1080.png") });

            await item.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();

            await Assertions.Expect(item).ToHaveAttributeAsync("data-state", "acknowledged");
            await Assertions.Expect(item.Locator(".state")).ToHaveTextAsync("acknowledged");
            var alarm = (await Server.GetJsonAsync($"api/cities/{FaultCity}/alarms")).EnumerateArray()
                .Single(a => a.GetProperty("alarm").GetProperty("id").GetString() == id);
            Assert.Equal(pole, alarm.GetProperty("pole").GetString());
            Assert.Equal("tilt", alarm.GetProperty("alarm").GetProperty("type").GetString());
            Assert.Equal("acknowledged", alarm.GetProperty("alarm").GetProperty("state").GetString());
            // The open-alarms tile comes from the server's pushed fleet KPIs: it agrees with the REST KPIs.
            var open = (await Server.GetJsonAsync($"api/cities/{FaultCity}/kpis")).GetProperty("openAlarms").EnumerateObject().Sum(s => s.Value.GetInt32());
            Assert.True(open >= 1, "the REST KPIs count no open alarm");
            await Assertions.Expect(page.Locator("#kpi-alarms")).ToHaveTextAsync(open.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Empty(errors);
        });
    }

    [Fact]
    public Task A_dim_command_sent_from_the_pole_panel_is_acked_by_the_simulated_demo_pole() =>
        fixture.WithPageAsync(DashboardFixture.DemoCity, 1920, 1080, async (page, errors) =>
        {
            var row = page.Locator("tbody tr[data-pole]").First;
            var pole = await row.GetAttributeAsync("data-pole");
            await row.ClickAsync();
            // The panel offers commands for the devices the pole reported.
            await Assertions.Expect(page.Locator(".command-row[data-kind='lighting']")).ToBeVisibleAsync(new() { Timeout = 30_000 });

            await page.FillAsync("#cmd-dim-pct", "30");
            await page.ClickAsync("#cmd-dim");

            var acked = page.Locator("#command-log li[data-status='acked']").Filter(new() { HasText = "lamp-1" });
            await Assertions.Expect(acked).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardFixture.Screenshots, "command-acked-1920x1080.png") });
            var id = await acked.GetAttributeAsync("data-command");
            var command = await Server.GetJsonAsync($"api/cities/{DashboardFixture.DemoCity}/poles/{pole}/commands/{id}");
            Assert.Equal("acked", command.GetProperty("status").GetString());
            Assert.Equal("dim", command.GetProperty("request").GetProperty("action").GetString());
            Assert.Equal(30, command.GetProperty("request").GetProperty("args").GetProperty("pct").GetInt32());
            Assert.Empty(errors);
        });
}
