using Microsoft.Extensions.Options;
using SmartPole.Mqtt;
using SmartPole.Server.Hosting;
using SmartPole.Server.Ingest;
using SmartPole.Server.Poles;
using SmartPole.Simulation;

namespace SmartPole.Server.Demo;

/// <summary>
/// Demo mode: seeds the demo city (Futian, Shenzhen) and runs its simulated poles in-process. They
/// connect over real TCP to the embedded broker, or in bridge-only mode (<c>Mqtt:ExternalBroker</c> set,
/// no embedded broker) to the external broker with the bridge's credentials, so the demo exercises the
/// same path as the field.
/// </summary>
internal sealed partial class DemoCityService(
    IOptions<DemoOptions> options,
    CityRegistry registry,
    MqttEdgeService edge,
    Tenancy.DemoTenant tenant,
    IOptions<MqttEdgeOptions> edgeOptions,
    IOptions<MqttBridgeOptions> bridgeOptions,
    ILoggerFactory loggerFactory,
    TimeProvider timeProvider,
    ILogger<DemoCityService> logger) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Enabled)
        {
            registry.AddCity(DemoCity.Shenzhen);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var bridge = bridgeOptions.Value;
        Uri broker;
        if (edge.EndPoint is { } endPoint)
        {
            broker = new Uri($"mqtt://127.0.0.1:{endPoint.Port}");
        }
        else if (edgeOptions.Value.BridgeMode)
        {
            broker = new Uri(edgeOptions.Value.ExternalBroker.Trim(), UriKind.Absolute);
        }
        else
        {
            LogNoBroker();
            return;
        }

        LogDemo(DemoCity.Shenzhen.Poles.Count, DemoCity.Shenzhen.NameEn, $"{broker.Scheme}://{broker.Host}:{broker.Port}");

        // Secured demo (Mqtt:AllowAnonymous=false): the poles log in with credentials from the registry, one connection each.
        var credentials = await tenant.CredentialsAsync(DemoCity.Shenzhen, stoppingToken);
        var fleet = new FleetRunner(
            DemoCity.Shenzhen,
            new FleetOptions
            {
                Broker = broker,
                Username = edge.EndPoint is null ? bridge.Username : null,
                Password = edge.EndPoint is null ? bridge.Password : null,
                Interval = options.Value.Interval,
                Qos = MqttQualityOfService.AtLeastOnce,
                Seed = options.Value.Seed,
                PolesPerConnection = credentials.Count > 0 ? 1 : 20,
                Credentials = credentials,
            },
            loggerFactory,
            timeProvider);
        try
        {
            await fleet.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DEMO MODE: seeding {Poles} simulated poles of {City} on {Broker} (open or secured: see the mode logged at start)")]
    private partial void LogDemo(int poles, string city, string broker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo mode needs a broker (Mqtt:Enabled=true or Mqtt:ExternalBroker); the demo city has no simulated poles")]
    private partial void LogNoBroker();
}
