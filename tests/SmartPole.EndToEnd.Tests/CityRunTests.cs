using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using SmartPole.Testing;

namespace SmartPole.EndToEnd.Tests;

/// <summary>The whole data path, checked by independent witnesses: MQTT.js, the store's files, REST, SignalR JS and Chromium.</summary>
public sealed class CityRunTests(CityRunFixture run) : IClassFixture<CityRunFixture>
{
    [Fact]
    public void Simulator_acked_exactly_the_frames_an_independent_mqtt_subscriber_saw()
    {
        var sent = run.Summary.GetProperty("framesSent").GetInt64();
        var acked = run.Summary.GetProperty("framesAcked").GetInt64();

        // Every pole reports at least once even on a loaded machine; the point is that nothing acked goes missing.
        Assert.True(acked >= CityRunFixture.Poles, $"only {acked} frames acked in 5 s for 50 poles at 1 s");
        Assert.Equal(sent, acked);
        Assert.Equal(acked, run.WitnessCount);
        Assert.Equal(CityRunFixture.Poles, run.LastFrames.Count);
    }

    [Fact]
    public void Store_holds_exactly_one_line_per_device_reading_sent()
    {
        var readings = run.Summary.GetProperty("lines").GetInt64();

        var distinct = run.StoreLines.Select(LineIdentity).Distinct().Count();

        Assert.Equal(readings, run.StoreLines.Count);
        Assert.Equal(run.StoreLines.Count, distinct);
    }

    [Fact]
    public async Task Rest_returns_the_values_of_each_poles_last_frame()
    {
        foreach (var (pole, frame) in run.LastFrames.OrderBy(p => p.Key).Take(5))
        {
            var detail = await run.Server.GetJsonAsync($"api/cities/{CityRunFixture.City}/poles/{pole}");

            Assert.Equal(frame.GetProperty("seq").GetInt64(), detail.GetProperty("pole").GetProperty("seq").GetInt64());
            var devices = detail.GetProperty("devices").EnumerateArray().ToDictionary(d => d.GetProperty("id").GetString()!);
            foreach (var device in frame.GetProperty("devices").EnumerateArray())
            {
                var actual = devices[device.GetProperty("id").GetString()!].GetProperty("metrics");
                foreach (var metric in device.GetProperty("m").EnumerateObject())
                {
                    Assert.Equal(Normalise(metric.Value), Normalise(actual.GetProperty(metric.Name)));
                }
            }
        }
    }

    [Fact]
    public async Task Rest_lists_the_poles_of_the_city_and_refuses_unknown_ones_with_problem_details()
    {
        var poles = await run.Server.GetJsonAsync($"api/cities/{CityRunFixture.City}/poles");
        using var missing = await run.Server.Http.GetAsync($"api/cities/{CityRunFixture.City}/poles/no-such-pole");

        Assert.Equal(CityRunFixture.Poles, poles.GetArrayLength());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void SignalR_javascript_client_received_updates_for_every_pole()
    {
        Assert.Equal(run.LastFrames.Keys.Order(), run.HubPoles.Order());
    }

    [Fact]
    public async Task Dashboard_in_chromium_shows_the_poles_and_a_value_published_after_it_loaded()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(Browsers.Options);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        var pole = run.LastFrames.Keys.Order().Last(); // the REST test reads the first poles
        var power = 100 + Random.Shared.Next(1, 800) / 10.0;

        await page.GotoAsync(new Uri(run.Server.BaseUrl, $"?city={CityRunFixture.City}").ToString());
        await Assertions.Expect(page.Locator("#pole-count")).ToHaveTextAsync("50");
        await Assertions.Expect(page.Locator("tbody tr[data-pole]")).ToHaveCountAsync(CityRunFixture.Poles);
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live");
        var cell = page.Locator($"tr[data-pole='{pole}'] [data-metric='lighting.powerW']");
        await PublishAsync(pole, power);

        await Assertions.Expect(cell).ToHaveTextAsync(power.ToString("0.0", CultureInfo.InvariantCulture));
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "dashboard-e2e.png") });
    }

    private async Task PublishAsync(string pole, double powerW)
    {
        var ts = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var watts = powerW.ToString(CultureInfo.InvariantCulture);
        // The page shows the pole's lighting power (all its lamps): the first lamp draws it all, the others are off.
        var lamps = run.LastFrames[pole].GetProperty("devices").EnumerateArray()
            .Where(d => d.GetProperty("kind").GetString() == "lighting")
            .Select((d, i) => $$$"""{"id":"{{{d.GetProperty("id").GetString()}}}","kind":"lighting","m":{"on":{{{(i == 0 ? "true" : "false")}}},"powerW":{{{(i == 0 ? watts : "0")}}}}}""");
        var frame = $$$"""{"ts":"{{{ts}}}","seq":1000000,"devices":[{{{string.Join(',', lamps)}}}]}""";
        await MosquittoPub.PublishAsync(run.Server.MqttPort, $"sp/{CityRunFixture.City}/{pole}/telemetry", frame);
    }

    // measurement,tags fields timestamp → measurement,tags + timestamp identifies one device reading.
    private static string LineIdentity(string line)
    {
        var parts = line.Split(' ');
        return parts[0] + " " + parts[^1];
    }

    private static string Normalise(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        _ => value.GetRawText(),
    };
}
