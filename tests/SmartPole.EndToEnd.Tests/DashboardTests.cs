using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using SmartPole.Testing;

namespace SmartPole.EndToEnd.Tests;

/// <summary>
/// The dashboard in Chromium against a real server fed by the field simulator: language switch,
/// pole panel with every device's values, the history chart from the store, no console errors.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardTests(DashboardFixture fixture)
{
    private const string City = DashboardFixture.City;
    private const int Poles = DashboardFixture.Poles;

    private static readonly string Screenshots = DashboardFixture.Screenshots;

    private ServerProcess Server => fixture.Server;

    [Fact]
    public Task Language_switch_changes_the_labels_and_is_remembered_across_a_reload() => OpenAsync(1920, 1080, async (page, errors) =>
    {
        var polesLabel = page.Locator("[data-i18n='kpi.poles']");
        var openMode = page.Locator("#mode");
        await Assertions.Expect(polesLabel).ToHaveTextAsync("Poles");
        // The fixture's server runs open (demo) mode: the header must say so, in either language.
        await Assertions.Expect(openMode).ToBeVisibleAsync();
        await Assertions.Expect(openMode).ToHaveTextAsync("DEMO · open mode");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");

        await page.ClickAsync("#lang");

        await Assertions.Expect(polesLabel).ToHaveTextAsync("智能杆总数");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("实时");
        await Assertions.Expect(page.Locator("th[data-i18n='col.lastSeen']")).ToHaveTextAsync("最近上报");
        await Assertions.Expect(openMode).ToHaveTextAsync("演示 · 开放模式");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "dashboard-zh-1920x1080.png") });
        await page.ReloadAsync();
        await Assertions.Expect(polesLabel).ToHaveTextAsync("智能杆总数");
        await page.ClickAsync("#lang");
        await Assertions.Expect(polesLabel).ToHaveTextAsync("Poles");
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live");
        Assert.Empty(errors);
    });

    [Fact]
    public async Task Pole_panel_shows_every_devices_latest_values_and_a_history_chart_with_data()
    {
        var pole = (await Server.GetJsonAsync($"api/cities/{City}/poles")).EnumerateArray().First().GetProperty("id").GetString()!;
        await WaitForHistoryAsync(pole);
        var detail = await Server.GetJsonAsync($"api/cities/{City}/poles/{pole}");
        await OpenAsync(1920, 1080, async (page, errors) =>
        {
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
            Assert.Empty(errors);
        });
    }

    [Fact]
    public async Task Kpi_tiles_match_the_rest_api_with_aqi_from_the_hj_633_breakpoints()
    {
        // A live city: poles count as reporting while online and heard from in the last minute.
        const string city = "dash-kpi";
        await using var simulator = fixture.StartSimulator(city, "5s", "120s");
        await fixture.WaitForPolesAsync(city);

        await OpenAsync(city, 1920, 1080, async (page, errors) =>
        {
            // Tiles and REST are read alternately until a read of the page falls between two equal
            // REST reads: the moment both describe the same city.
            string shown = "", expected = "";
            await WaitFor.ConditionAsync(
                async () =>
                {
                    expected = await ExpectedTilesAsync(city);
                    shown = await page.EvaluateAsync<string>("() => ['kpi-poles', 'kpi-online', 'kpi-lights', 'kpi-power', 'kpi-ues', 'kpi-aqi'].map(id => document.getElementById(id).textContent).join(' | ')");
                    return shown == expected && expected == await ExpectedTilesAsync(city);
                },
                TimeSpan.FromSeconds(30),
                () => $"page shows {shown}, REST says {expected}");
            // Fixed points of the standard's tables: breakpoints map to their IAQI, values between are rounded up.
            var fixedPoints = await page.EvaluateAsync<int[]>("async () => { const m = await import('./aqi.js'); return [m.aqi(35, 50), m.aqi(75, 0), m.aqi(60, 200), m.aqi(600, 0), m.aqi(undefined, 350)]; }");

            Assert.StartsWith($"{Poles} | {Poles} | ", shown, StringComparison.Ordinal);
            Assert.Equal([50, 100, 125, 500, 200], fixedPoints);
            Assert.Empty(errors);
        });
    }

    // The KPI tiles' texts as the REST API's pole details say they should read.
    private async Task<string> ExpectedTilesAsync(string city)
    {
        var details = new List<JsonElement>();
        foreach (var pole in (await Server.GetJsonAsync($"api/cities/{city}/poles")).EnumerateArray())
        {
            details.Add(await Server.GetJsonAsync($"api/cities/{city}/poles/{pole.GetProperty("id").GetString()}"));
        }

        var now = DateTimeOffset.UtcNow;
        var reporting = details.Where(d => d.GetProperty("pole").GetProperty("status").GetString() == "online"
            && now - d.GetProperty("pole").GetProperty("lastSeen").GetDateTimeOffset() < TimeSpan.FromMinutes(1)).ToList();
        var devices = reporting.SelectMany(d => d.GetProperty("devices").EnumerateArray()).ToList();
        double Sum(string kind, string metric) => devices.Where(d => d.GetProperty("kind").GetString() == kind)
            .Sum(d => d.GetProperty("metrics").TryGetProperty(metric, out var v) ? v.GetDouble() : 0);
        double Mean(string metric) => devices.Where(d => d.GetProperty("kind").GetString() == "environment")
            .Average(d => d.GetProperty("metrics").GetProperty(metric).GetDouble());
        var lightsOn = reporting.Count(d => d.GetProperty("devices").EnumerateArray()
            .Any(x => x.GetProperty("kind").GetString() == "lighting" && x.GetProperty("metrics").TryGetProperty("on", out var on) && on.GetBoolean()));
        var power = Sum("lighting", "powerW");
        var aqi = Math.Max(Iaqi(Mean("pm25"), [0, 35, 75, 115, 150, 250, 350, 500]), Iaqi(Mean("pm10"), [0, 50, 150, 250, 350, 420, 500, 600]));
        string[] tiles =
        [
            details.Count.ToString(CultureInfo.InvariantCulture),
            reporting.Count.ToString(CultureInfo.InvariantCulture),
            lightsOn.ToString(CultureInfo.InvariantCulture),
            power >= 1000 ? (power / 1000).ToString("0.0", CultureInfo.InvariantCulture) + " kW" : power.ToString("0", CultureInfo.InvariantCulture) + " W",
            Sum("smallcell", "ues").ToString("0", CultureInfo.InvariantCulture),
            aqi.ToString(CultureInfo.InvariantCulture),
        ];
        return string.Join(" | ", tiles);
    }

    [Fact]
    public Task Ten_thousand_poles_are_drawn_grouped_in_status_colours_and_their_updates_reach_the_table() => OpenAsync(1920, 1080, async (page, errors) =>
    {
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
        // The table holds only the rows in view: find the pole, as an operator would.
        await page.FillAsync("#pole-filter", "grid-09999");
        await Assertions.Expect(page.Locator("tr[data-pole='grid-09999'] [data-metric='lighting.powerW']")).ToHaveTextAsync("123.4");
        Assert.True(await page.Locator("tbody tr[data-pole]").CountAsync() < 100, "the table should hold only the rows in view");
        await page.FillAsync("#pole-filter", "");
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
        Assert.Empty(errors);
    });

    private Task OpenAsync(int width, int height, Func<IPage, IReadOnlyList<string>, Task> test) => OpenAsync(City, width, height, test);

    private Task OpenAsync(string city, int width, int height, Func<IPage, IReadOnlyList<string>, Task> test) =>
        fixture.WithPageAsync(city, width, height, async (page, errors) =>
        {
            await Assertions.Expect(page.Locator("#pole-count")).ToHaveTextAsync(Poles.ToString(CultureInfo.InvariantCulture));
            await test(page, errors);
        });

    // The embedded store flushes on its own schedule: the chart can only show what the store answers.
    private async Task WaitForHistoryAsync(string pole)
    {
        var url = $"api/cities/{City}/poles/{pole}/telemetry?device=lamp-1&metric=powerW";
        var last = "";
        await WaitFor.ConditionAsync(
            async () =>
            {
                using var response = await Server.Http.GetAsync(url);
                last = await response.Content.ReadAsStringAsync();
                return response.IsSuccessStatusCode && JsonDocument.Parse(last).RootElement.GetProperty("points").GetArrayLength() > 0;
            },
            TimeSpan.FromSeconds(30),
            () => $"the history of {pole} stayed empty ({last}); server output:\n{Server.Output}");
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
