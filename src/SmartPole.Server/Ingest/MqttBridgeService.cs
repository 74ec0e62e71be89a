using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using SmartPole.Mqtt;
using SmartPole.Server.Tenancy;

namespace SmartPole.Server.Ingest;

/// <summary>
/// Bridge mode: joins an external broker (Mosquitto, EMQX, …) as an MQTT client, subscribes to the wire
/// contract's pole → platform topics (as a shared subscription when a group is set) and feeds what arrives
/// to the same <see cref="TelemetryIngestor"/> as the embedded broker; commands and config go back through
/// it. An unreachable broker does not stop the platform: it says so once, keeps trying with backoff, and
/// <c>/health/ready</c> reports <c>degraded</c> until the broker answers.
/// </summary>
internal sealed partial class MqttBridgeService(
    IOptions<MqttEdgeOptions> edgeOptions,
    IOptions<MqttBridgeOptions> bridgeOptions,
    TelemetryIngestor ingestor,
    Tenancy.BridgeGuard acl,
    BrokerGuard guard,
    ILoggerFactory loggerFactory,
    TimeProvider timeProvider,
    ILogger<MqttBridgeService> logger) : BackgroundService, IMqttEdge, IAsyncDisposable
{
    /// <summary>
    /// The pole → platform topics of the wire contract, version 1, and the gateways' self-provisioning
    /// requests (answered on <c>sp/{city}/provision/{requestId}</c>, which no filter here matches).
    /// </summary>
    internal static readonly string[] PoleTopics = ["sp/+/+/telemetry", "sp/+/+/events", "sp/+/+/status", "sp/+/+/cmd/+/ack", "sp/+/provision"];

    // Retained config published before the first connection, latest per topic: the client only queues
    // once it has connected, and a pole's desired config must reach the broker whenever that happens.
    private readonly Dictionary<string, MqttApplicationMessage> _early = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private MqttClient? _client;
    private bool _everConnected;
    private volatile bool _subscribed;
    private string? _lastError;

    /// <summary>True when bridge mode is configured and the service has started.</summary>
    public bool IsRunning => _client is not null;

    /// <summary>True once subscribed at the external broker, while it stays connected (after a reconnect: once the subscriptions are restored).</summary>
    public bool IsConnected => _subscribed && _client?.IsConnected == true;

    /// <summary>The external broker as <c>scheme://host:port</c> (no credentials); null when bridge mode is off.</summary>
    public string? Broker { get; private set; }

    /// <summary>The topic filters subscribed at the external broker.</summary>
    public IReadOnlyList<string> Filters { get; private set; } = [];

    /// <summary>Why the bridge is not (fully) working, or null.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>The client options for <paramref name="edge"/>'s broker URL and the bridge settings. Throws on a bad URL.</summary>
    internal static MqttClientOptions ClientOptions(MqttEdgeOptions edge, MqttBridgeOptions bridge)
    {
        var options = MqttClientOptions.FromUri(new Uri(edge.ExternalBroker.Trim(), UriKind.Absolute));
        options.ClientId = bridge.ClientId;
        options.Username = bridge.Username ?? options.Username;
        options.Password = bridge.Password ?? options.Password;
        options.ProtocolVersion = bridge.ProtocolVersion;
        options.CleanSession = !bridge.PersistentSession;

        // 5.0 ends a session at disconnect unless it has an expiry (§3.1.2.11.2); 3.1.1 kept it for good.
        options.SessionExpiryInterval = bridge.PersistentSession ? uint.MaxValue : 0;
        options.KeepAlive = bridge.KeepAlive;
        options.AutoReconnect = true;
        options.ReconnectDelay = bridge.ReconnectDelay;
        options.MaxReconnectDelay = bridge.MaxReconnectDelay;
        options.MaxInflight = bridge.MaxInflight;
        if (options.UseTls && bridge.CaFile.Length > 0)
        {
            var chain = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust };
            chain.CustomTrustStore.Add(X509CertificateLoader.LoadCertificateFromFile(bridge.CaFile));
            options.TlsOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = chain };
        }

        return options;
    }

    /// <summary>True when <paramref name="url"/> is a broker URL the client understands.</summary>
    internal static bool IsValidBrokerUrl(string url)
    {
        try
        {
            return Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && MqttClientOptions.FromUri(uri).Host.Length > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The filters to subscribe: the contract's topics, under <c>$share/{group}/</c> when a group is set.</summary>
    internal static string[] FiltersFor(MqttBridgeOptions bridge) =>
        bridge.SharedGroup.Length == 0 ? PoleTopics : [.. PoleTopics.Select(t => $"$share/{bridge.SharedGroup}/{t}")];

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var edge = edgeOptions.Value;
        if (!edge.BridgeMode)
        {
            return Task.CompletedTask;
        }

        var options = ClientOptions(edge, bridgeOptions.Value);
        Broker = $"{(options.UseTls ? "mqtts" : "mqtt")}://{options.Host}:{options.Port}";
        Filters = FiltersFor(bridgeOptions.Value);
        var via = $"via {Broker}";
        var client = new MqttClient(options, loggerFactory.CreateLogger<MqttClient>(), timeProvider)
        {
            // Not the stopping token: a frame taken from the broker is acknowledged once the handler returns,
            // so it must not be cut short half-way at shutdown; the client stops feeding it first.
            MessageReceivedAsync = message => HandleAsync(new MqttInboundMessage { ClientId = via, Username = null, Message = message }),
        };
        _client = client;
        return base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// Publishes a platform → pole message at the external broker. A retained message (a pole's desired
    /// config) is a state that must land whenever the broker is reachable, so it is queued and never fails
    /// here; a command is an action meant for now, so it fails at once (<see cref="IOException"/>) when the
    /// broker is unreachable or has not acknowledged it within <see cref="MqttBridgeOptions.PublishTimeout"/>.
    /// </summary>
    public async ValueTask PublishAsync(MqttApplicationMessage message)
    {
        var client = _client ?? throw new InvalidOperationException("Bridge mode is not running.");
        if (message.Retain)
        {
            lock (_gate)
            {
                if (!_everConnected)
                {
                    _early[message.Topic] = message;
                    return;
                }
            }

            _ = ObserveAsync(client.PublishAsync(message), message.Topic);
            return;
        }

        if (!client.IsConnected)
        {
            throw new IOException($"The external MQTT broker {Broker} is unreachable.");
        }

        var timeout = bridgeOptions.Value.PublishTimeout;
        using var deadline = new CancellationTokenSource(timeout, timeProvider);
        try
        {
            await client.PublishAsync(message, deadline.Token);
        }
        catch (OperationCanceledException e)
        {
            throw new IOException($"The external MQTT broker {Broker} did not acknowledge within {timeout.TotalSeconds:0.#} s.", e);
        }
        catch (Exception e) when (e is MqttRefusedException or InvalidOperationException)
        {
            throw new IOException($"The external MQTT broker {Broker} did not take the message: {e.Message}", e);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_client is { } client)
        {
            await client.DisconnectAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Registered as a singleton and as the hosted service: the container disposes it twice.
        if (Interlocked.Exchange(ref _client, null) is { } client)
        {
            await client.DisposeAsync();
        }

        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_client is not { } client)
        {
            return;
        }

        var settings = bridgeOptions.Value;
        await ConnectAsync(client, settings, stoppingToken);
        foreach (var filter in Filters)
        {
            try
            {
                await client.SubscribeAsync(filter, MqttQualityOfService.AtLeastOnce, stoppingToken);
            }
            catch (MqttRefusedException e)
            {
                Volatile.Write(ref _lastError, $"the broker refused the subscription to {filter} ({e.ReasonCode}): check its ACL");
                LogSubscriptionRefused(Broker!, filter, e.ReasonCode);
            }
        }

        _subscribed = true;
        MqttApplicationMessage[] early;
        lock (_gate)
        {
            _everConnected = true;
            early = [.. _early.Values];
            _early.Clear();
        }

        foreach (var message in early)
        {
            _ = ObserveAsync(client.PublishAsync(message, CancellationToken.None), message.Topic);
        }

        LogBridged(Broker!, client.ClientId, settings.ProtocolVersion == MqttProtocolVersion.V500 ? "5.0" : "3.1.1", Filters, client.SessionPresent);
    }

    /// <summary>A provisioning request is answered as on the embedded broker; anything else goes to the ingestor.</summary>
    private async ValueTask HandleAsync(MqttInboundMessage inbound)
    {
        if (await guard.TryProvisionAsync(inbound, (answer, _) => PublishAsync(answer), CancellationToken.None))
        {
            return;
        }

        // The external broker did the login: our ACL still decides what reaches the twins.
        if (await acl.AdmitAsync(inbound.Message.Topic))
        {
            await ingestor.HandleAsync(inbound, CancellationToken.None);
        }
    }

    /// <summary>Tries until the broker accepts: a city's platform waits for its broker rather than exiting.</summary>
    private async Task ConnectAsync(MqttClient client, MqttBridgeOptions settings, CancellationToken stoppingToken)
    {
        var delay = settings.ReconnectDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await client.ConnectAsync(stoppingToken);
                Volatile.Write(ref _lastError, null);
                return;
            }
            catch (MqttConnectException e)
            {
                Volatile.Write(ref _lastError, e.Message);
                if (attempt == 1)
                {
                    LogUnreachable(Broker!, e.Message, delay);
                }
                else
                {
                    LogStillUnreachable(Broker!, attempt, e.Message, delay);
                }
            }

            await Task.Delay(delay, timeProvider, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxReconnectDelay.Ticks));
        }
    }

    private async Task ObserveAsync(Task publish, string topic)
    {
        try
        {
            await publish;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or MqttRefusedException or OperationCanceledException)
        {
            LogRetainedLost(Broker!, topic, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "SmartPole cannot reach the external MQTT broker {Broker} (Mqtt:ExternalBroker): {Reason}. Poles are not heard until it answers; retrying in {Delay}, /health/ready reports degraded meanwhile")]
    private partial void LogUnreachable(string broker, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "External MQTT broker {Broker} still unreachable (attempt {Attempt}): {Reason}; retrying in {Delay}")]
    private partial void LogStillUnreachable(string broker, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bridged to the external MQTT broker {Broker} as {ClientId} over MQTT {Version}, subscribed to {Filters} (session resumed: {SessionPresent})")]
    private partial void LogBridged(string broker, string clientId, string version, IReadOnlyList<string> filters, bool sessionPresent);

    [LoggerMessage(Level = LogLevel.Error, Message = "The external MQTT broker {Broker} refused the subscription to {Filter} ({Reason}): check its ACL for the platform's user")]
    private partial void LogSubscriptionRefused(string broker, string filter, MqttReasonCode reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retained message for {Topic} did not reach the external MQTT broker {Broker}: {Reason}")]
    private partial void LogRetainedLost(string broker, string topic, string reason);
}
