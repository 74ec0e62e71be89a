using SmartPole.Actors;
using SmartPole.Server.LiveFeed;
using SmartPole.Telemetry;

namespace SmartPole.Server.Poles;

/// <summary>What every pole actor shares: the stores, the live feed, the MQTT publisher and the per-city settings.</summary>
/// <param name="Series">Where readings go.</param>
/// <param name="Feed">Events and snapshots for dashboards.</param>
/// <param name="FeedQueue">Poles changed since their last snapshot.</param>
/// <param name="Settings">Per-city twin settings.</param>
/// <param name="State">Where twins are saved.</param>
/// <param name="Publisher">Commands and config to poles.</param>
/// <param name="SaveDelay">How long after its first unsaved change a pole saves (<c>Actors:SaveDelay</c>).</param>
internal sealed record PoleActorServices(
    ITimeSeriesWriter Series,
    CityFeed Feed,
    PoleFeedQueue FeedQueue,
    PoleSettingsProvider Settings,
    IActorStateStore State,
    IPolePublisher Publisher,
    TimeSpan SaveDelay);
