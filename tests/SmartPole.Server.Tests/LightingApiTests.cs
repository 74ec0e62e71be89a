using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SmartPole.Actors;
using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Telemetry;
using SmartPole.Server.Poles;

namespace SmartPole.Server.Tests;

/// <summary>Lighting calendars and the energy report over REST, read from real pole actors of an in-process server.</summary>
public sealed class LightingApiTests : IAsyncLifetime
{
    private const string City = "lightcity";

    private OpenModeServer _server = null!;
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _server = new OpenModeServer("lighting-api");
        _http = _server.Http;
        DeviceInfo[] lamp = [new("lamp-1", DeviceKind.Lighting, 100)];
        _server.Services.GetRequiredService<CityRegistry>().AddCity(new CityInfo(City, "灯城", "Light City", "Asia/Shanghai",
        [
            new PoleInfo("n-1", "North 1", 22.55, 114.05, "north", lamp),
            new PoleInfo("n-2", "North 2", 22.56, 114.05, "north", lamp),
            new PoleInfo("s-1", "South 1", 22.50, 114.05, "south", lamp),
        ]));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_pole_follows_its_citys_calendar_until_it_is_given_its_own_and_again_once_that_is_dropped()
    {
        var own = new
        {
            programs = new[]
            {
                new { name = "quiet", steps = new object[] { new { anchor = "sunset", at = "18:30:00", dimPct = 60, offset = "00:05:00" }, new { anchor = "fixed", at = "23:00:00", dimPct = 0, offset = "00:00:00" } } },
            },
            rules = Array.Empty<object>(),
            defaultProgram = "quiet",
        };

        var before = await _http.GetFromJsonAsync<JsonElement>($"api/cities/{City}/poles/n-1/calendar");
        using var put = await _http.PutAsJsonAsync($"api/cities/{City}/poles/n-1/calendar", own);
        var after = await _http.GetFromJsonAsync<JsonElement>($"api/cities/{City}/poles/n-1/calendar");
        using var dropped = await _http.DeleteAsync($"api/cities/{City}/poles/n-1/calendar");
        var again = await _http.GetFromJsonAsync<JsonElement>($"api/cities/{City}/poles/n-1/calendar");

        Assert.False(before.GetProperty("ownCalendar").GetBoolean());
        // The test city configures no lighting schedule (Cities:{city}:Lighting "none").
        Assert.Equal(JsonValueKind.Null, before.GetProperty("calendar").ValueKind);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.True(after.GetProperty("ownCalendar").GetBoolean());
        var steps = after.GetProperty("calendar").GetProperty("programs")[0].GetProperty("steps");
        Assert.Equal((2, "sunset", 60.0), (steps.GetArrayLength(), steps[0].GetProperty("anchor").GetString(), steps[0].GetProperty("dimPct").GetDouble()));
        Assert.Equal(HttpStatusCode.OK, dropped.StatusCode);
        Assert.False(again.GetProperty("ownCalendar").GetBoolean());
        Assert.Equal(JsonValueKind.Null, again.GetProperty("calendar").ValueKind);
    }

    [Theory]
    [InlineData("""{"programs":[],"rules":[],"defaultProgram":"x"}""", "at least one")]
    [InlineData("""{"programs":[{"name":"a","steps":[{"anchor":"fixed","at":"19:00:00","dimPct":120,"offset":"00:00:00"}]}],"rules":[],"defaultProgram":"a"}""", "dimPct from 0 to 100")]
    [InlineData("""{"programs":[{"name":"a","steps":[{"anchor":"fixed","at":"19:00:00","dimPct":50,"offset":"00:00:00"}]}],"rules":[],"defaultProgram":"b"}""", "default program 'b'")]
    [InlineData("""{"programs":[{"name":"a","steps":[{"anchor":"fixed","at":"19:00:00","dimPct":50,"offset":"00:00:00"}]}],"rules":[{"program":"weekend"}],"defaultProgram":"a"}""", "program 'weekend'")]
    [InlineData("""{"programs":[{"name":"a","steps":[{"anchor":"fixed","at":"19:00:00","dimPct":50,"offset":"00:00:00"}]},{"name":"a","steps":[{"anchor":"fixed","at":"19:00:00","dimPct":50,"offset":"00:00:00"}]}],"rules":[],"defaultProgram":"a"}""", "name of its own")]
    public async Task A_bad_calendar_is_refused_with_problem_details_and_changes_nothing(string body, string named)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await _http.PutAsync($"api/cities/{City}/poles/n-2/calendar", content);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var calendar = await _http.GetFromJsonAsync<JsonElement>($"api/cities/{City}/poles/n-2/calendar");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(named, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(calendar.GetProperty("ownCalendar").GetBoolean());
    }

    [Fact]
    public async Task The_calendar_of_an_unknown_pole_is_404_problem_details()
    {
        using var response = await _http.GetAsync($"api/cities/{City}/poles/nowhere/calendar");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Unknown pole", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task The_energy_report_adds_up_metered_lamp_energy_per_district_and_city_with_savings_against_the_night_at_rated_power()
    {
        var actors = _server.Services.GetRequiredService<ActorHost<PoleActor>>();
        var now = DateTimeOffset.UtcNow;
        // Two readings a minute apart: the lamp's cumulative counter grows by the kWh it used in between.
        foreach (var (pole, used) in new[] { ("n-1", 0.25), ("n-2", 0.5), ("s-1", 0.125) })
        {
            await ApplyAsync(actors, pole, 1, now.AddMinutes(-2), 100);
            await ApplyAsync(actors, pole, 2, now.AddMinutes(-1), 100 + used);
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now.AddMinutes(-1), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var report = await _http.GetFromJsonAsync<JsonElement>($"api/cities/{City}/energy?from={today}&to={today}");

        var day = Assert.Single(report.GetProperty("days").EnumerateArray());
        var city = day.GetProperty("city");
        Assert.Equal(3, city.GetProperty("lamps").GetInt32());
        Assert.Equal(0.875, city.GetProperty("actualKWh").GetDouble(), 6);
        // Shenzhen in late autumn: 10 to 14 hours of darkness at 100 W per lamp.
        Assert.InRange(city.GetProperty("baselineKWh").GetDouble(), 3 * 1.0, 3 * 1.4);
        Assert.Equal(city.GetProperty("baselineKWh").GetDouble() - 0.875, city.GetProperty("savedKWh").GetDouble(), 6);
        Assert.Equal(city.GetProperty("savedKWh").GetDouble() / city.GetProperty("baselineKWh").GetDouble() * 100, city.GetProperty("savedPct").GetDouble(), 6);
        var districts = day.GetProperty("districts").EnumerateArray().ToDictionary(d => d.GetProperty("district").GetString()!, d => d.GetProperty("energy"));
        Assert.Equal(["north", "south"], districts.Keys);
        Assert.Equal((2, 0.75), (districts["north"].GetProperty("lamps").GetInt32(), Math.Round(districts["north"].GetProperty("actualKWh").GetDouble(), 6)));
        Assert.Equal((1, 0.125), (districts["south"].GetProperty("lamps").GetInt32(), Math.Round(districts["south"].GetProperty("actualKWh").GetDouble(), 6)));
    }

    [Theory]
    [InlineData("from=2026-11-20&to=2026-11-10", "not be after")]
    [InlineData("from=2026-01-01&to=2026-03-01", "at most 31 days")]
    [InlineData("from=yesterday", "yyyy-MM-dd")]
    public async Task A_bad_energy_period_is_refused_with_problem_details(string query, string named)
    {
        using var response = await _http.GetAsync($"api/cities/{City}/energy?{query}");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_describes_calendars_and_the_energy_report()
    {
        var document = await _http.GetFromJsonAsync<JsonElement>("openapi/v1.json");

        var paths = document.GetProperty("paths");
        var calendar = paths.GetProperty("/api/cities/{city}/poles/{pole}/calendar");
        Assert.True(calendar.TryGetProperty("get", out _) && calendar.TryGetProperty("put", out _) && calendar.TryGetProperty("delete", out _));
        var energy = paths.GetProperty("/api/cities/{city}/energy").GetProperty("get").GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString());
        Assert.Superset(new HashSet<string?> { "from", "to" }, energy.ToHashSet());
    }

    private static async Task ApplyAsync(ActorHost<PoleActor> actors, string pole, long seq, DateTimeOffset at, double energyKWh)
    {
        var json = string.Create(CultureInfo.InvariantCulture,
            $$$"""{"ts":"{{{at:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}}}","seq":{{{seq}}},"devices":[{"id":"lamp-1","kind":"lighting","m":{"on":true,"energyKWh":{{{energyKWh}}}}}]}""");
        var frame = TelemetryFrameDecoder.Decode(Encoding.UTF8.GetBytes(json)).Frame!;
        await actors.AskAsync(PoleKey.Of(City, pole), async (actor, _) =>
        {
            await actor.ApplyAsync(frame);
            return true;
        });
    }
}
