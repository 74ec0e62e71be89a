using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using SmartPole.Server.Hosting;

namespace SmartPole.Server.LiveFeed;

/// <summary>
/// Pushes gathered pole changes to each city's dashboards every <c>LiveFeed:FlushInterval</c>.
/// SignalR buffers per connection; since each push carries only the newest state of each changed
/// pole, a slow dashboard receives fewer, fuller batches rather than an ever-growing queue.
/// </summary>
internal sealed partial class LiveFeedService(
    CityFeed feed,
    IHubContext<CityHub, ICityClient> hub,
    IOptions<LiveFeedOptions> options,
    TimeProvider timeProvider,
    ILogger<LiveFeedService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task FlushAsync()
    {
        foreach (var (city, poles) in feed.Drain())
        {
            try
            {
                await hub.Clients.Group(CityHub.GroupOf(city)).PolesUpdated(poles);
            }
            catch (Exception e)
            {
                LogPushFailed(e, city, poles.Count);
            }
        }

        foreach (var (city, events) in feed.DrainEvents())
        {
            try
            {
                await hub.Clients.Group(CityHub.GroupOf(city)).PoleEvents(events);
            }
            catch (Exception e)
            {
                LogPushFailed(e, city, events.Count);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live push of {Count} poles to city {City} failed")]
    private partial void LogPushFailed(Exception exception, string city, int count);
}
