using SmartPole.Domain.Poles;

namespace SmartPole.Server.LiveFeed;

/// <summary>What a dashboard receives when it joins a city: every pole's newest state, to resync from.</summary>
/// <param name="City">City id.</param>
/// <param name="Poles">Newest snapshot of every pole that has reported.</param>
public sealed record CityView(string City, IReadOnlyList<PoleSnapshot> Poles);
