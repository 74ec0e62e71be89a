using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using SmartPole.Testing;

namespace SmartPole.EndToEnd.Tests;

/// <summary>
/// The dashboard in Chromium against a real server fed by the field simulator: language switch,
/// pole panel with every device's values, the history chart from the store, no console errors.
/// </summary>
public sealed class DashboardTests : IAsyncLifetime
{
    private const string City = "dash";
    private const int Poles = 12;

    private static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    private readonly List<string> _consoleErrors = [];
    private ServerProcess _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _server = await ServerProcess.StartAsync();
        await using var simulator = ManagedProcess.Start("dotnet",
        [
            RepoPaths.BuiltDll("simulators", "SmartPole.Simulator"),
            "--broker", _server.MqttUrl.ToString(), "--city", City, "--poles", Poles.ToString(CultureInfo.InvariantCulture),
            "--interval", "1s", "--duration", "3s", "--qos", "1", "--seed", "11",
        ]);
        var exit = await simulator.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"simulator exited with {exit}:\n{simulator.Output}");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(Browsers.Options);
        Directory.CreateDirectory(Screenshots);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Language_switch_changes_the_labels_and_is_remembered_across_a_reload()
    {
        var page = await OpenAsync(1920, 1080);
        var polesLabel = page.Locator("[data-i18n='kpi.poles']");
        await Assertions.Expect(polesLabel).ToHaveTextAsync("Poles");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");

        await page.ClickAsync("#lang");

        await Assertions.Expect(polesLabel).ToHaveTextAsync("智能杆总数");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("实时");
        await Assertions.Expect(page.Locator("th[data-i18n='col.lastSeen']")).ToHaveTextAsync("最近上报");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "dashboard-zh-1920x1080.png") });
        await page.ReloadAsync();
        await Assertions.Expect(polesLabel).ToHaveTextAsync("智能杆总数");
        await page.ClickAsync("#lang");
        await Assertions.Expect(polesLabel).ToHaveTextAsync("Poles");
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live");
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task Pole_panel_shows_every_devices_latest_values_and_a_history_chart_with_data()
    {
        var pole = (await _server.GetJsonAsync($"api/cities/{City}/poles")).EnumerateArray().First().GetProperty("id").GetString()!;
        await WaitForHistoryAsync(pole);
        var detail = await _server.GetJsonAsync($"api/cities/{City}/poles/{pole}");
        var page = await OpenAsync(1920, 1080);

        await page.ClickAsync($"tbody tr[data-pole='{pole}']");

        var panel = page.Locator("#pole-panel");
        await Assertions.Expect(panel).ToBeVisibleAsync();
        foreach (var device in detail.GetProperty("devices").EnumerateArray())
        {
            var id = device.GetProperty("id").GetString()!;
            await Assertions.Expect(panel.Locator($"[data-device='{id}']")).ToBeVisibleAsync();
            foreach (var metric in device.GetProperty("metrics").EnumerateObject().Where(m => m.Value.ValueKind == JsonValueKind.Number))
            {
                // Shown with at most two decimals (JavaScript rounds the exact binary value): compare as numbers.
                var text = await panel.Locator($"dd[data-metric='{id}.{metric.Name}']").TextContentAsync();
                var shown = double.Parse(text!.Split(' ')[0], CultureInfo.InvariantCulture);
                Assert.True(Math.Abs(shown - metric.Value.GetDouble()) <= 0.0051, $"{id}.{metric.Name}: page shows '{text}', REST says {metric.Value}");
            }
        }

        var chart = page.Locator("#history-chart");
        await Assertions.Expect(chart).Not.ToHaveAttributeAsync("data-points", "0");
        Assert.True(int.Parse((await chart.GetAttributeAsync("data-points"))!, CultureInfo.InvariantCulture) > 0);
        await Assertions.Expect(page.Locator("#history-note")).ToContainTextAsync("mean per");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "pole-panel-en-1920x1080.png") });

        await page.ClickAsync("[data-range='7d']");
        await Assertions.Expect(page.Locator("#history-note")).ToContainTextAsync("mean per 1h");
        await Assertions.Expect(chart).Not.ToHaveAttributeAsync("data-points", "0");
        await page.SetViewportSizeAsync(1366, 768);
        await page.ClickAsync("#lang");
        await Assertions.Expect(page.Locator("#history-note")).ToContainTextAsync("每 1h 平均");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "pole-panel-zh-1366x768.png") });
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(panel).ToBeHiddenAsync();
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task Kpi_tiles_match_the_rest_api_with_aqi_from_the_hj_633_breakpoints()
    {
        var page = await OpenAsync(1920, 1080);
        var details = new List<JsonElement>();
        foreach (var pole in (await _server.GetJsonAsync($"api/cities/{City}/poles")).EnumerateArray())
        {
            details.Add(await _server.GetJsonAsync($"api/cities/{City}/poles/{pole.GetProperty("id").GetString()}"));
        }

        var devices = details.SelectMany(d => d.GetProperty("devices").EnumerateArray()).ToList();
        double Sum(string kind, string metric) => devices.Where(d => d.GetProperty("kind").GetString() == kind)
            .Sum(d => d.GetProperty("metrics").TryGetProperty(metric, out var v) ? v.GetDouble() : 0);
        double Mean(string metric) => devices.Where(d => d.GetProperty("kind").GetString() == "environment")
            .Average(d => d.GetProperty("metrics").GetProperty(metric).GetDouble());
        var lightsOn = details.Count(d => d.GetProperty("devices").EnumerateArray()
            .Any(x => x.GetProperty("kind").GetString() == "lighting" && x.GetProperty("metrics").TryGetProperty("on", out var on) && on.GetBoolean()));
        var power = Sum("lighting", "powerW");
        var aqi = Math.Max(Iaqi(Mean("pm25"), [0, 35, 75, 115, 150, 250, 350, 500]), Iaqi(Mean("pm10"), [0, 50, 150, 250, 350, 420, 500, 600]));

        await Assertions.Expect(page.Locator("#kpi-poles")).ToHaveTextAsync(Poles.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("#kpi-online")).ToHaveTextAsync(Poles.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("#kpi-lights")).ToHaveTextAsync(lightsOn.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("#kpi-power")).ToHaveTextAsync(power >= 1000
            ? (power / 1000).ToString("0.0", CultureInfo.InvariantCulture) + " kW"
            : power.ToString("0", CultureInfo.InvariantCulture) + " W");
        await Assertions.Expect(page.Locator("#kpi-ues")).ToHaveTextAsync(Sum("smallcell", "ues").ToString("0", CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("#kpi-aqi")).ToHaveTextAsync(aqi.ToString(CultureInfo.InvariantCulture));
        // Fixed points of the standard's tables: breakpoints map to their IAQI, values between are rounded up.
        var fixedPoints = await page.EvaluateAsync<int[]>("async () => { const m = await import('./aqi.js'); return [m.aqi(35, 50), m.aqi(75, 0), m.aqi(60, 200), m.aqi(600, 0), m.aqi(undefined, 350)]; }");
        Assert.Equal([50, 100, 125, 500, 200], fixedPoints);
        Assert.Empty(_consoleErrors);
    }

    [Fact]
    public async Task Ten_thousand_poles_are_drawn_grouped_in_status_colours_and_their_updates_reach_the_table()
    {
        var page = await OpenAsync(1920, 1080);

        // A 100 × 100 grid of poles with coordinates, odd ones lit, pushed through the same path as hub updates.
        await page.EvaluateAsync("""
            () => {
              const { state, applySnapshots } = window.smartpole;
              const now = new Date().toISOString(), snapshots = [];
              for (let i = 0; i < 10000; i++) {
                const id = `grid-${String(i).padStart(5, "0")}`;
                state.poles.set(id, { id, name: id, latitude: 22.5 + Math.floor(i / 100) * 0.001, longitude: 114 + (i % 100) * 0.001 });
                snapshots.push({ city: state.city, pole: id, lastSeen: now, status: 1, alarms: [],
                  devices: [{ id: "lamp-1", kind: "lighting", timestamp: now, metrics: { on: i % 2 === 1, powerW: i % 2 ? 80 : 0 } }] });
              }
              // As loadPoles does when the REST list arrives.
              state.tableStale = true;
              state.layoutStale = true;
              applySnapshots(snapshots);
            }
            """);
        await Assertions.Expect(page.Locator("#pole-count")).ToHaveTextAsync((Poles + 10_000).ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("#map-note")).ToContainTextAsync("10000 poles, grouped");
        await page.EvaluateAsync("""
            () => {
              const { state, applySnapshots } = window.smartpole;
              const now = new Date().toISOString();
              applySnapshots([{ city: state.city, pole: "grid-09999", lastSeen: now, status: 1, alarms: [],
                devices: [{ id: "lamp-1", kind: "lighting", timestamp: now, metrics: { on: true, powerW: 123.4 } }] }]);
            }
            """);
        await Assertions.Expect(page.Locator("tr[data-pole='grid-09999'] [data-metric='lighting.powerW']")).ToHaveTextAsync("123.4");
        var counts = await page.EvaluateAsync<int[]>("""
            () => {
              const canvas = document.getElementById("map");
              const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
              const styles = getComputedStyle(document.documentElement);
              const rgb = (v) => { const c = document.createElement("canvas").getContext("2d"); c.fillStyle = styles.getPropertyValue(v); c.fillRect(0, 0, 1, 1); return [...c.getImageData(0, 0, 1, 1).data.slice(0, 3)]; };
              return ["--on", "--off", "--stale"].map(rgb).map(([r, g, b]) => {
                let n = 0;
                for (let i = 0; i < pixels.length; i += 4) if (pixels[i] === r && pixels[i + 1] === g && pixels[i + 2] === b) n++;
                return n;
              });
            }
            """);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "map-10000-poles-1920x1080.png") });

        Assert.True(counts[0] > 0 && counts[1] > 0, $"lit {counts[0]} px, unlit {counts[1]} px");
        Assert.Equal(0, counts[2]);
        Assert.Empty(_consoleErrors);
    }

    private async Task<IPage> OpenAsync(int width, int height)
    {
        var context = await _browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, Locale = "en-US" });
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _consoleErrors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => _consoleErrors.Add(error);
        await page.GotoAsync(new Uri(_server.BaseUrl, $"?city={City}").ToString());
        await Assertions.Expect(page.Locator("#pole-count")).ToHaveTextAsync(Poles.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live");
        return page;
    }

    // The embedded store flushes on its own schedule: the chart can only show what the store answers.
    private async Task WaitForHistoryAsync(string pole)
    {
        var url = $"api/cities/{City}/poles/{pole}/telemetry?device=lamp-1&metric=powerW";
        await WaitFor.ConditionAsync(
            async () => (await _server.GetJsonAsync(url)).GetProperty("points").GetArrayLength() > 0,
            TimeSpan.FromSeconds(30),
            () => $"the history of {pole} stayed empty; server output:\n{_server.Output}");
    }

    // HJ 633-2012: IAQI = linear interpolation between the breakpoints around the concentration, rounded up.
    private static int Iaqi(double concentration, double[] breakpoints)
    {
        int[] iaqi = [0, 50, 100, 150, 200, 300, 400, 500];
        for (var i = 1; i < breakpoints.Length; i++)
        {
            if (concentration <= breakpoints[i])
            {
                return (int)Math.Ceiling(((iaqi[i] - iaqi[i - 1]) / (breakpoints[i] - breakpoints[i - 1]) * (concentration - breakpoints[i - 1])) + iaqi[i - 1]);
            }
        }

        return 500;
    }

}
