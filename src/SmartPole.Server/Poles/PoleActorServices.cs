using SmartPole.Actors;
using SmartPole.Server.LiveFeed;
using SmartPole.Telemetry;

namespace SmartPole.Server.Poles;

/// <summary>What every pole actor shares: the stores, the live feed, the MQTT publisher and the per-city settings.</summary>
internal sealed record PoleActorServices(
    ITimeSeriesWriter Series,
    CityFeed Feed,
    PoleSettingsProvider Settings,
    IActorStateStore State,
    IPolePublisher Publisher);
