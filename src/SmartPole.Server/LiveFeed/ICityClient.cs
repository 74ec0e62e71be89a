using SmartPole.Domain.Poles;
using SmartPole.Server.Poles;

namespace SmartPole.Server.LiveFeed;

/// <summary>What the server calls on a dashboard connected to <see cref="CityHub"/>. See HUB.md beside this file.</summary>
public interface ICityClient
{
    /// <summary>Poles of a joined city that changed since the last push (newest state of each).</summary>
    Task PolesUpdated(IReadOnlyList<PoleSnapshot> poles);

    /// <summary>
    /// What happened to poles of a joined city since the last push, in order: alarms raised /
    /// acknowledged / cleared, incidents, status changes, command progress. Each item carries an
    /// <c>event</c> discriminator.
    /// </summary>
    Task PoleEvents(IReadOnlyList<TwinEvent> events);

    /// <summary>The joined city's fleet KPIs, at most once a second while its poles change.</summary>
    Task FleetKpisUpdated(FleetKpis kpis);
}
