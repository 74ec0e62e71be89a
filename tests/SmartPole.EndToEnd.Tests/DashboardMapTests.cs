using System.Text.Json;
using Microsoft.Playwright;

namespace SmartPole.EndToEnd.Tests;

/// <summary>The map of the demo city (poles with coordinates) in Chromium: status-coloured dots and click to open a pole.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardMapTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Map_draws_the_reporting_poles_in_their_status_colours_and_a_click_opens_the_pole()
    {
        var city = (await fixture.Server.GetJsonAsync("api/cities")).EnumerateArray().Single(c => c.GetProperty("id").GetString() == DashboardFixture.DemoCity);
        await fixture.WithPageAsync(DashboardFixture.DemoCity, 1920, 1080, async (page, errors) =>
        {
            await Assertions.Expect(page.Locator("#kpi-online")).ToHaveTextAsync(city.GetProperty("poles").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 30_000 });

            // Pixels of exactly a status colour (dot centres are not anti-aliased), and the first pole's place on screen.
            var drawn = await page.EvaluateAsync<JsonElement>("""
                () => {
                  const canvas = document.getElementById("map");
                  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
                  const styles = getComputedStyle(document.documentElement);
                  const rgb = (v) => { const c = document.createElement("canvas").getContext("2d"); c.fillStyle = styles.getPropertyValue(v); c.fillRect(0, 0, 1, 1); return [...c.getImageData(0, 0, 1, 1).data.slice(0, 3)]; };
                  const statuses = { on: rgb("--on"), off: rgb("--off"), alarm: rgb("--alarm"), stale: rgb("--stale"), none: rgb("--none") };
                  const counts = { on: 0, off: 0, alarm: 0, stale: 0, none: 0 };
                  for (let i = 0; i < pixels.length; i += 4) {
                    for (const [name, [r, g, b]] of Object.entries(statuses)) if (pixels[i] === r && pixels[i + 1] === g && pixels[i + 2] === b) counts[name]++;
                  }
                  const { ids, xs, ys } = window.smartpole.state.layout;
                  return { counts, pole: ids[0], x: xs[0], y: ys[0] };
                }
                """);
            var counts = drawn.GetProperty("counts");
            await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardFixture.Screenshots, "map-demo-1920x1080.png") });

            // Every demo pole reports: each is drawn lit, unlit or alarmed, none silent or without data.
            Assert.True(counts.GetProperty("on").GetInt32() + counts.GetProperty("off").GetInt32() + counts.GetProperty("alarm").GetInt32() > 0, $"no reporting pole drawn: {counts}");
            Assert.Equal(0, counts.GetProperty("stale").GetInt32());
            Assert.Equal(0, counts.GetProperty("none").GetInt32());
            var pole = drawn.GetProperty("pole").GetString()!;
            await page.Locator("#map").ClickAsync(new() { Position = new() { X = drawn.GetProperty("x").GetSingle(), Y = drawn.GetProperty("y").GetSingle() } });
            await Assertions.Expect(page.Locator("#panel-meta")).ToContainTextAsync(pole);
            await Assertions.Expect(page.Locator("#panel-devices [data-device='lamp-1']")).ToBeVisibleAsync();
            Assert.Empty(errors);
        });
    }

    [Fact]
    public async Task Map_outlines_each_district_around_all_of_its_poles_with_its_name()
    {
        var poles = (await fixture.Server.GetJsonAsync($"api/cities/{DashboardFixture.DemoCity}/poles")).EnumerateArray().ToList();
        var districts = poles.Select(p => p.GetProperty("district").GetString()).Where(d => d is not null).Distinct().Order(StringComparer.Ordinal).ToList();
        await fixture.WithPageAsync(DashboardFixture.DemoCity, 1920, 1080, async (page, errors) =>
        {
            await page.WaitForFunctionAsync("() => window.smartpole?.state.layout?.ids.length > 0", null, new() { Timeout = 30_000 });

            // For each outline: its name, and how many of its district's poles lie outside its hull (cross products, 0.5 px slack).
            var outlines = await page.EvaluateAsync<JsonElement>("""
                () => {
                  const { ids, xs, ys, districts } = window.smartpole.state.layout;
                  return districts.map(({ name, hull }) => {
                    let outside = 0, members = 0;
                    ids.forEach((id, i) => {
                      if (window.smartpole.state.poles.get(id).district !== name) return;
                      members++;
                      const inside = hull.every(([x1, y1], k) => {
                        const [x2, y2] = hull[(k + 1) % hull.length];
                        return (x2 - x1) * (ys[i] - y1) - (y2 - y1) * (xs[i] - x1) >= -0.5 * Math.hypot(x2 - x1, y2 - y1);
                      });
                      if (!inside) outside++;
                    });
                    return { name, corners: hull.length, members, outside };
                  });
                }
                """);
            await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardFixture.Screenshots, "map-districts-1920x1080.png") });

            Assert.Equal(districts, outlines.EnumerateArray().Select(o => o.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
            Assert.All(outlines.EnumerateArray(), o =>
            {
                Assert.True(o.GetProperty("members").GetInt32() > 0, $"{o}");
                Assert.Equal(0, o.GetProperty("outside").GetInt32());
            });
            Assert.Empty(errors);
        });
    }
}
