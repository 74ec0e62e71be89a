using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SmartPole.Domain;
using SmartPole.Domain.Alarms;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Poles;
using SmartPole.Server.Poles;
using SmartPole.Testing;

namespace SmartPole.Server.Tests;

/// <summary>Pole lists with filters and paging, and commands to a group of poles, in an in-process server with the demo off.</summary>
public sealed class CityApiTests : IAsyncLifetime
{
    private const string City = "apicity";

    private OpenModeServer _server = null!;
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _server = new OpenModeServer("city-api");
        _http = _server.Http;
        var services = _server.Services;
        DeviceInfo[] lampOnly = [new("lamp-1", DeviceKind.Lighting, 100)];
        DeviceInfo[] withCell = [new("lamp-1", DeviceKind.Lighting, 100), new("cell-1", DeviceKind.SmallCell)];
        services.GetRequiredService<CityRegistry>().AddCity(new CityInfo(City, "接口城", "API City", "Asia/Shanghai",
        [
            new PoleInfo("p-1", "North 1", 22.5, 114.0, "north", lampOnly),
            new PoleInfo("p-2", "North 2", 22.5, 114.1, "north", withCell),
            new PoleInfo("p-3", "South 1", 22.4, 114.0, "south", withCell),
            new PoleInfo("p-4", "South 2", 22.4, 114.1, "south", lampOnly),
            new PoleInfo("p-5", "South 3", 22.4, 114.2, "South", lampOnly),
        ]));
        var readModel = services.GetRequiredService<PoleReadModel>();
        readModel.Update(new PoleSnapshot(City, "p-2", DateTimeOffset.UtcNow, 1, 1, 0, 0, [], PoleStatus.Online));
        readModel.Update(new PoleSnapshot(City, "p-3", DateTimeOffset.UtcNow, 1, 1, 0, 0, [], PoleStatus.Offline));
        readModel.Update(new PoleSnapshot(City, "p-4", DateTimeOffset.UtcNow, 1, 1, 0, 0, [], PoleStatus.Online));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("status=online", "p-2,p-4")]
    [InlineData("status=Offline", "p-3")]
    [InlineData("status=unknown", "p-1,p-5")]
    [InlineData("kind=smallcell", "p-2,p-3")]
    [InlineData("district=south", "p-3,p-4,p-5")]
    [InlineData("district=south&status=online&kind=lighting", "p-4")]
    [InlineData("district=nowhere", "")]
    public async Task Poles_are_filtered_by_status_device_kind_and_district(string query, string expected)
    {
        var (ids, total) = await ListAsync(query);

        Assert.Equal(expected, string.Join(',', ids));
        Assert.Equal(ids.Count, total);
    }

    [Fact]
    public async Task Poles_are_paged_in_id_order_with_the_total_in_a_header()
    {
        var (first, total) = await ListAsync("offset=0&limit=2");
        var (second, _) = await ListAsync("offset=2&limit=2");
        var (last, _) = await ListAsync("offset=4&limit=2");

        Assert.Equal(["p-1", "p-2"], first);
        Assert.Equal(["p-3", "p-4"], second);
        Assert.Equal(["p-5"], last);
        Assert.Equal(5, total);
    }

    [Theory]
    [InlineData("status=asleep", "status 'asleep'")]
    [InlineData("status=1", "status '1'")]
    [InlineData("kind=toaster", "kind 'toaster'")]
    [InlineData("limit=0", "limit")]
    [InlineData("offset=-1", "offset")]
    public async Task A_bad_filter_is_refused_with_problem_details(string query, string named)
    {
        using var response = await _http.GetAsync($"api/cities/{City}/poles?{query}");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(named, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_to_a_district_goes_to_each_of_its_poles()
    {
        using var response = await _http.PostAsJsonAsync($"api/cities/{City}/commands", new { district = "north", device = "lamp-1", action = "dim", args = new { pct = 40 } });
        var sent = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(["p-1", "p-2"], sent.Select(c => c.GetProperty("pole").GetString()));
        Assert.All(sent, c => Assert.Equal("dim", c.GetProperty("command").GetProperty("request").GetProperty("action").GetString()));
        foreach (var c in sent)
        {
            var one = await _http.GetFromJsonAsync<JsonElement>($"api/cities/{City}/poles/{c.GetProperty("pole").GetString()}/commands/{c.GetProperty("command").GetProperty("id").GetString()}");
            Assert.Equal(40, one.GetProperty("request").GetProperty("args").GetProperty("pct").GetInt32());
        }
    }

    [Fact]
    public async Task A_command_to_listed_poles_goes_to_those_poles_only()
    {
        using var response = await _http.PostAsJsonAsync($"api/cities/{City}/commands", new { poles = new[] { "p-5", "p-3", "p-5" }, device = "lamp-1", action = "off" });
        var sent = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(c => c.GetProperty("pole").GetString()).ToList();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(["p-5", "p-3"], sent);
    }

    [Theory]
    [InlineData("""{"poles":["p-1","p-9"],"device":"lamp-1","action":"off"}""", "no pole 'p-9'")]
    [InlineData("""{"device":"lamp-1","action":"off"}""", "either 'poles'")]
    [InlineData("""{"poles":["p-1"],"district":"north","device":"lamp-1","action":"off"}""", "either 'poles'")]
    [InlineData("""{"district":"north","device":"lamp-1"}""", "'action'")]
    [InlineData("""{"district":"nowhere","device":"lamp-1","action":"off"}""", "holds 0")]
    public async Task A_bad_group_command_is_refused_with_problem_details(string body, string named)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await _http.PostAsync($"api/cities/{City}/commands", content);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_filters_and_the_group_command()
    {
        var document = await _http.GetFromJsonAsync<JsonElement>("openapi/v1.json");

        var paths = document.GetProperty("paths");
        var parameters = paths.GetProperty("/api/cities/{city}/poles").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Superset(new HashSet<string?> { "status", "kind", "district", "offset", "limit" }, parameters.ToHashSet());
        Assert.True(paths.GetProperty("/api/cities/{city}/commands").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/api/cities/{city}/incidents").TryGetProperty("get", out _));
    }

    [Fact]
    public async Task Fleet_kpis_count_the_online_poles_lamps_users_air_and_open_alarms()
    {
        var readModel = _server.Services.GetRequiredService<PoleReadModel>();
        var now = DateTimeOffset.UtcNow;
        DeviceSnapshot Device(string id, string kind, params (string Name, object Value)[] metrics) =>
            new(id, kind, now, metrics.ToDictionary(m => m.Name, m => m.Value, StringComparer.Ordinal));
        // p-2 online with one of two lamps on; p-4 online, lamp off; p-3 offline, whose readings do not count.
        readModel.Update(new PoleSnapshot(City, "p-2", now, 2, 2, 0, 0,
            [Device("lamp-1", "lighting", ("on", false), ("powerW", 0.0)), Device("lamp-2", "lighting", ("on", true), ("powerW", 60.5)),
             Device("cell-1", "smallcell", ("ues", 12L), ("dlMbps", 100.0)), Device("env-1", "environment", ("pm25", 30.0), ("pm10", 50.0))], PoleStatus.Online));
        readModel.Update(new PoleSnapshot(City, "p-4", now, 2, 2, 0, 0,
            [Device("lamp-1", "lighting", ("on", false), ("powerW", 1.5)), Device("env-1", "environment", ("pm25", 40.0))], PoleStatus.Online));
        readModel.Update(new PoleSnapshot(City, "p-3", now, 2, 2, 0, 0,
            [Device("lamp-1", "lighting", ("on", true), ("powerW", 500.0)), Device("cell-1", "smallcell", ("ues", 99L))], PoleStatus.Offline));
        readModel.Apply(new AlarmRaised(City, "p-3", now, new Alarm("p-3-a1", "pole", "poleOffline", AlarmSeverity.Major, now, "silent")));
        readModel.Apply(new AlarmRaised(City, "p-2", now, new Alarm("p-2-a1", "cab-1", "tilt", AlarmSeverity.Critical, now, "tiltDeg 9")));
        readModel.Apply(new AlarmRaised(City, "p-2", now, new Alarm("p-2-a2", "cab-1", "doorOpen", AlarmSeverity.Minor, now, "door")));

        var kpis = await _http.GetFromJsonAsync<JsonElement>($"api/cities/{City}/kpis");

        Assert.Equal(5, kpis.GetProperty("poles").GetInt32());
        Assert.Equal(2, kpis.GetProperty("online").GetInt32());
        Assert.Equal(1, kpis.GetProperty("lightsOn").GetInt32());
        Assert.Equal(62.0, kpis.GetProperty("lightingPowerW").GetDouble(), 6);
        Assert.Equal(12, kpis.GetProperty("smallCellUes").GetInt64());
        Assert.Equal(100.0, kpis.GetProperty("smallCellDlMbps").GetDouble(), 6);
        Assert.Equal(35.0, kpis.GetProperty("pm25").GetDouble(), 6);
        Assert.Equal(50.0, kpis.GetProperty("pm10").GetDouble(), 6);
        var alarms = kpis.GetProperty("openAlarms");
        Assert.Equal((0, 1, 1, 1), (alarms.GetProperty("info").GetInt32(), alarms.GetProperty("minor").GetInt32(), alarms.GetProperty("major").GetInt32(), alarms.GetProperty("critical").GetInt32()));
    }

    private async Task<(List<string> Ids, int Total)> ListAsync(string query)
    {
        using var response = await _http.GetAsync($"api/cities/{City}/poles?{query}");
        response.EnsureSuccessStatusCode();
        var ids = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToList();
        return (ids, int.Parse(response.Headers.GetValues("X-Total-Count").Single(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
