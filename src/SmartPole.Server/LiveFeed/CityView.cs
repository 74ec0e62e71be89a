using SmartPole.Domain.Poles;
using SmartPole.Server.Poles;

namespace SmartPole.Server.LiveFeed;

/// <summary>What a dashboard receives when it joins a city: every pole's newest state, to resync from.</summary>
/// <param name="City">City id.</param>
/// <param name="Poles">Newest snapshot of every pole that has reported.</param>
/// <param name="Kpis">The city's fleet KPIs now.</param>
public sealed record CityView(string City, IReadOnlyList<PoleSnapshot> Poles, FleetKpis Kpis);
