using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using SmartPole.Actors;
using SmartPole.Domain.Poles;
using SmartPole.Server.Hosting;
using SmartPole.Server.Poles;

namespace SmartPole.Server.LiveFeed;

/// <summary>
/// Pushes gathered pole changes to each city's dashboards every <c>LiveFeed:FlushInterval</c>, and
/// the city's fleet KPIs at most once a second. A city has at most one push in flight: while a
/// slow dashboard holds it up, that city's changes wait in the feed, newest state of each pole, so
/// nothing queues up beyond one message per connection and the slow client then gets the latest
/// state. Other cities are not held up.
/// </summary>
internal sealed partial class LiveFeedService(
    CityFeed feed,
    PoleFeedQueue changedPoles,
    ActorHost<PoleActor> actors,
    CityRegistry registry,
    PoleReadModel readModel,
    IHubContext<CityHub, ICityClient> hub,
    IOptions<LiveFeedOptions> options,
    TimeProvider timeProvider,
    ILogger<LiveFeedService> logger) : BackgroundService
{
    private static readonly TimeSpan KpiEvery = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, Task> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TwinEvent>> _heldEvents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _kpisSent = new(StringComparer.Ordinal);

    // Cities whose KPIs changed since their last KPI push (sent once a second has passed).
    private readonly HashSet<string> _kpisStale = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Flush();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // A push stuck behind a dashboard that stopped reading must not hold up shutdown.
        try
        {
            await Task.WhenAll(_inFlight.Values).WaitAsync(TimeSpan.FromSeconds(5), timeProvider, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            LogPushesAbandoned(_inFlight.Count(p => !p.Value.IsCompleted));
        }
    }

    // Runs on the timer loop only, so the dictionaries need no lock.
    private void Flush()
    {
        // Snapshots of poles changed since the last flush are built in their actors' turns and go out with the next push.
        changedPoles.RequestSnapshots(actors);
        var busy = _inFlight.Where(p => !p.Value.IsCompleted).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var poles = feed.Drain(busy);
        foreach (var (city, events) in feed.DrainEvents())
        {
            // Events are never merged: those of a busy city are kept, in order, for its next push.
            if (_heldEvents.TryGetValue(city, out var held))
            {
                held.AddRange(events);
            }
            else
            {
                _heldEvents[city] = events;
            }
        }

        var now = timeProvider.GetUtcNow();
        _kpisStale.UnionWith(poles.Keys);
        _kpisStale.UnionWith(_heldEvents.Keys);
        var cities = poles.Keys.Concat(_heldEvents.Keys).Concat(_kpisStale).Where(c => !busy.Contains(c)).ToHashSet(StringComparer.Ordinal);
        foreach (var city in cities)
        {
            var changed = poles.GetValueOrDefault(city);
            _heldEvents.Remove(city, out var events);
            FleetKpis? kpis = null;
            if (now - _kpisSent.GetValueOrDefault(city) >= KpiEvery && _kpisStale.Remove(city))
            {
                _kpisSent[city] = now;
                kpis = FleetKpiCalculator.Compute(city, registry.Find(city)?.Poles.Count ?? 0, readModel, now);
            }

            if (changed is null && events is null && kpis is null)
            {
                continue;
            }

            _inFlight[city] = PushAsync(city, changed, events, kpis);
        }
    }

    private async Task PushAsync(string city, List<PoleSnapshot>? poles, List<TwinEvent>? events, FleetKpis? kpis)
    {
        var clients = hub.Clients.Group(CityHub.GroupOf(city));
        try
        {
            if (poles is not null)
            {
                await clients.PolesUpdated(poles);
            }

            if (events is not null)
            {
                await clients.PoleEvents(events);
            }

            if (kpis is not null)
            {
                await clients.FleetKpisUpdated(kpis);
            }
        }
        catch (Exception e)
        {
            LogPushFailed(e, city, poles?.Count ?? 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutting down with {Count} live pushes still waiting for slow dashboards")]
    private partial void LogPushesAbandoned(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live push of {Count} poles to city {City} failed")]
    private partial void LogPushFailed(Exception exception, string city, int count);
}
