using System.Net;
using Microsoft.Extensions.Options;
using SmartPole.Mqtt;
using SmartPole.Server.Hosting;
using SmartPole.Server.Tenancy;

namespace SmartPole.Server.Ingest;

/// <summary>
/// Runs the embedded MQTT broker and feeds what poles publish to the ingestor. Starting fails at
/// once (and so does the host) when the port is taken, naming the setting to change. Off in bridge
/// mode unless <c>Mqtt:Enabled</c> is set (see <see cref="MqttBridgeService"/>).
/// </summary>
internal sealed partial class MqttEdgeService(
    IOptions<MqttEdgeOptions> options,
    IOptions<DemoOptions> demo,
    IOptions<StorageOptions> storage,
    TelemetryIngestor ingestor,
    BrokerGuard guard,
    ILoggerFactory loggerFactory,
    TimeProvider timeProvider,
    ILogger<MqttEdgeService> logger) : IHostedService, IAsyncDisposable, IMqttEdge
{
    private MqttBroker? _broker;

    /// <summary>The embedded broker, once started (null when disabled).</summary>
    public MqttBroker? Broker => _broker;

    /// <summary>The broker's bound endpoint, once started.</summary>
    public IPEndPoint? EndPoint => _broker?.LocalEndPoint;

    /// <summary>True once the embedded broker listens.</summary>
    public bool IsRunning => _broker is not null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.EmbeddedBroker)
        {
            return;
        }

        var allowAnonymous = settings.AllowAnonymous ?? demo.Value.Enabled;
        var broker = new MqttBroker(
            new MqttBrokerOptions
            {
                Host = settings.Host,
                Port = settings.Port,
                AllowAnonymous = allowAnonymous,
                // Retained messages (a pole's status and config) and offline poles' queued commands survive a restart.
                PersistencePath = Path.Combine(storage.Value.DataDirectory, "mqtt-broker.state"),
            },
            loggerFactory.CreateLogger<MqttBroker>(),
            timeProvider)
        {
            MessageReceivedAsync = ingestor.HandleAsync,
        };
        guard.Attach(broker);
        await broker.StartAsync(cancellationToken);
        _broker = broker;
        LogListening(broker.LocalEndPoint.Port, allowAnonymous);
    }

    /// <summary>Routes a platform → pole message to the embedded broker's subscribers (and retains it when asked).</summary>
    public ValueTask PublishAsync(MqttApplicationMessage message) =>
        (_broker ?? throw new InvalidOperationException("The embedded MQTT broker is not running.")).PublishAsync(message);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_broker is not null)
        {
            await _broker.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Registered as a singleton and as the hosted service: the container disposes it twice.
        if (Interlocked.Exchange(ref _broker, null) is { } broker)
        {
            await broker.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker listening on port {Port} (anonymous clients allowed: {AllowAnonymous})")]
    private partial void LogListening(int port, bool allowAnonymous);
}
