using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SmartPole.Actors;
using SmartPole.Domain;
using SmartPole.Domain.Alarms;
using SmartPole.Domain.Cities;
using SmartPole.Server.Poles;

namespace SmartPole.Server.Tests;

/// <summary>The incidents endpoint, fed by real pole actors of an in-process server.</summary>
public sealed class PoleOperationsApiTests : IAsyncLifetime
{
    private const string City = "opscity";

    private OpenModeServer _server = null!;
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _server = new OpenModeServer("ops-api");
        _http = _server.Http;
        _server.Services.GetRequiredService<CityRegistry>().AddCity(new CityInfo(City, "运维城", "Ops City", "Asia/Shanghai",
        [
            new PoleInfo("a-1", "A 1", 22.5, 114.0, "east", [new("cab-1", DeviceKind.Cabinet)]),
            new PoleInfo("a-2", "A 2", 22.5, 114.1, "east", [new("cab-1", DeviceKind.Cabinet)]),
        ]));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Alarms_raised_together_on_a_pole_are_listed_as_one_incident_with_its_probable_cause()
    {
        var actors = _server.Services.GetRequiredService<ActorHost<PoleActor>>();
        var now = DateTimeOffset.UtcNow;
        await RaiseAsync(actors, "a-1", new PoleEvent(now, "cab-1", "impact", "struck"));
        await RaiseAsync(actors, "a-1", new PoleEvent(now.AddSeconds(1), "cab-1", "tilt", "12°"));

        var incidents = await _http.GetFromJsonAsync<JsonElement>($"api/cities/{City}/incidents");
        var alarms = await _http.GetFromJsonAsync<JsonElement>($"api/cities/{City}/alarms");

        var incident = Assert.Single(incidents.EnumerateArray());
        Assert.Equal("a-1", incident.GetProperty("pole").GetString());
        var detail = incident.GetProperty("incident");
        Assert.Equal(SmartPole.Domain.Incidents.ProbableCauses.VehicleImpact, detail.GetProperty("probableCause").GetString());
        Assert.Equal(["impact", "tilt"], detail.GetProperty("alarmTypes").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(
            alarms.EnumerateArray().Select(a => a.GetProperty("alarm").GetProperty("id").GetString()).Order(StringComparer.Ordinal),
            detail.GetProperty("alarmIds").EnumerateArray().Select(a => a.GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Incidents_of_an_unknown_city_are_404_problem_details()
    {
        using var response = await _http.GetAsync("api/cities/atlantis/incidents");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Unknown city", problem.GetProperty("title").GetString());
    }

    private static async Task RaiseAsync(ActorHost<PoleActor> actors, string pole, PoleEvent poleEvent) =>
        await actors.AskAsync(PoleKey.Of(City, pole), async (actor, _) =>
        {
            await actor.ApplyEventAsync(poleEvent);
            return true;
        });
}
