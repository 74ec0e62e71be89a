using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Server.Apis;
using SmartPole.Server.Poles;
using SmartPole.Telemetry;
using SmartPole.Testing;

namespace SmartPole.Server.Tests;

/// <summary>The history endpoint over the embedded store, in an in-process server with the demo off.</summary>
public sealed class TelemetryApiTests : IAsyncLifetime
{
    private const string City = "histcity";
    private const string Pole = "p-1";

    // Whole minutes in the recent past, so windows are easy to reason about and inside retention.
    private static readonly DateTimeOffset Start = RoundDown(DateTimeOffset.UtcNow.AddHours(-2), TimeSpan.FromMinutes(10));

    private OpenModeServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = new OpenModeServer("telemetry-api");
        _http = _server.Http;
        var services = _server.Services;
        services.GetRequiredService<CityRegistry>().AddCity(new CityInfo(City, "历史城", "History City", "Asia/Shanghai",
        [
            new PoleInfo(Pole, "Test road 1", 22.5, 114.0, "d1", [new DeviceInfo("lamp-1", DeviceKind.Lighting, 120), new DeviceInfo("env-1", DeviceKind.Environment)]),
        ]));

        // Lamp power 100, 110, …, 690 W once a minute for an hour; a second pole's lamp that must not leak in.
        var writer = services.GetRequiredService<ITimeSeriesWriter>();
        for (var i = 0; i < 60; i++)
        {
            writer.Write(Lamp(Pole, Start.AddMinutes(i), 100 + (10 * i)));
            writer.Write(Lamp("p-2", Start.AddMinutes(i), 5000));
        }

        await writer.FlushAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task History_returns_the_mean_of_each_window_of_the_devices_metric()
    {
        var url = Url($"device=lamp-1&metric=powerW&from={Iso(Start)}&to={Iso(Start.AddHours(1))}&every=10m");

        using var response = await _http.GetAsync(url);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("lighting", body.GetProperty("kind").GetString());
        Assert.Equal("W", body.GetProperty("unit").GetString());
        Assert.Equal("10m", body.GetProperty("every").GetString());
        var points = body.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(6, points.Count);
        // Window k holds minutes 10k..10k+9: mean power 100 + 10·(10k + 4.5).
        for (var k = 0; k < 6; k++)
        {
            Assert.Equal(Start.AddMinutes(10 * k), points[k].GetProperty("t").GetDateTimeOffset());
            Assert.Equal(100 + (10 * ((10 * k) + 4.5)), points[k].GetProperty("v").GetDouble(), 6);
        }
    }

    [Fact]
    public async Task History_defaults_to_the_last_hour_with_an_automatic_step()
    {
        using var response = await _http.GetAsync(Url("device=lamp-1&metric=powerW"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var range = body.GetProperty("to").GetDateTimeOffset() - body.GetProperty("from").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromHours(1), range);
        Assert.Equal("30s", body.GetProperty("every").GetString());
        // The data lies two hours back: the default window must not reach it.
        Assert.Empty(body.GetProperty("points").EnumerateArray());
    }

    [Theory]
    [InlineData("nocity", Pole, "device=lamp-1&metric=powerW", "Unknown city")]
    [InlineData(City, "nopole", "device=lamp-1&metric=powerW", "Unknown pole")]
    [InlineData(City, Pole, "device=lamp-9&metric=powerW", "Unknown device")]
    public async Task Unknown_city_pole_or_device_is_404_problem_details(string city, string pole, string query, string title)
    {
        using var response = await _http.GetAsync($"api/cities/{city}/poles/{pole}/telemetry?{query}");

        await AssertProblemAsync(response, HttpStatusCode.NotFound, title);
    }

    [Theory]
    [InlineData("metric=powerW", "Missing device")]
    [InlineData("device=lamp-1", "Missing metric")]
    [InlineData("device=lamp-1&metric=pm25", "Unknown metric")]
    [InlineData("device=lamp-1&metric=on", "Metric is not numeric")]
    [InlineData("device=lamp-1&metric=powerW&from=yesterday", "Invalid 'from'")]
    [InlineData("device=lamp-1&metric=powerW&to=2026-13-45T00:00:00Z", "Invalid 'to'")]
    [InlineData("device=lamp-1&metric=powerW&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "Invalid range")]
    [InlineData("device=lamp-1&metric=powerW&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "Range too long")]
    [InlineData("device=lamp-1&metric=powerW&every=5x", "Invalid 'every'")]
    [InlineData("device=lamp-1&metric=powerW&every=-5m", "Invalid 'every'")]
    [InlineData("device=lamp-1&metric=powerW&from=2026-01-01T00:00:00Z&to=2026-01-08T00:00:00Z&every=1s", "Too many windows")]
    public async Task Bad_input_is_400_problem_details_naming_the_problem(string query, string title)
    {
        using var response = await _http.GetAsync(Url(query));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, title);
    }

    [Theory]
    [InlineData(1, "30s")]
    [InlineData(24, "5m")]
    [InlineData(168, "1h")]
    public void Automatic_step_gives_at_most_300_round_windows(int hours, string expected)
    {
        var ok = TelemetryApi.TryParseEvery("auto", TimeSpan.FromHours(hours), out var step);

        Assert.True(ok);
        Assert.Equal(expected, TelemetryApi.FormatStep(step));
        Assert.True(TimeSpan.FromHours(hours) / step <= TelemetryApi.AutoWindows);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    private static string Url(string query) => $"api/cities/{City}/poles/{Pole}/telemetry?{query}";

    private static string Iso(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    private static PointData Lamp(string pole, DateTimeOffset t, double watts) =>
        PointData.Measurement("lighting").Tag("city", City).Tag("pole", pole).Tag("device", "lamp-1")
            .Field("powerW", watts).Timestamp(t, WritePrecision.Milliseconds);

    private static DateTimeOffset RoundDown(DateTimeOffset t, TimeSpan step) => new(t.UtcTicks - (t.UtcTicks % step.Ticks), TimeSpan.Zero);
}
