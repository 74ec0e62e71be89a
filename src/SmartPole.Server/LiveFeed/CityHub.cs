using Microsoft.AspNetCore.SignalR;
using SmartPole.Domain;
using SmartPole.Server.Poles;
using SmartPole.Server.Tenancy;

namespace SmartPole.Server.LiveFeed;

/// <summary>
/// The live city hub at <c>/hubs/city</c>. A dashboard joins a city and then receives batched
/// <see cref="ICityClient.PolesUpdated"/> pushes. Methods and payloads: HUB.md beside this file.
/// </summary>
internal sealed class CityHub(CityRegistry registry, PoleReadModel readModel, CityAccess access, TimeProvider timeProvider) : Hub<ICityClient>
{
    /// <summary>
    /// Joins the city's group and returns its current state (also the resync after a reconnect). A
    /// city whose first pole has not reported yet may be joined: its poles arrive as they report.
    /// </summary>
    public async Task<CityView> JoinCity(string city)
    {
        if (registry.Find(city) is null && !Ids.IsValid(city))
        {
            throw new HubException($"Unknown city '{city}'.");
        }

        await access.CheckJoinAsync(Context, city);
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(city));
        var kpis = FleetKpiCalculator.Compute(city, registry.Find(city)?.Poles.Count ?? 0, readModel, timeProvider.GetUtcNow());
        return new CityView(city, readModel.OfCity(city), kpis);
    }

    /// <summary>Leaves the city's group.</summary>
    public Task LeaveCity(string city) => Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupOf(city));

    /// <summary>The SignalR group of a city's dashboards.</summary>
    public static string GroupOf(string city) => "city:" + city;
}
