using Microsoft.Extensions.Options;
using SmartPole.Actors;
using SmartPole.Server.Ingest;
using SmartPole.Server.LiveFeed;
using SmartPole.Server.Poles;
using SmartPole.Telemetry;

namespace SmartPole.Server.Hosting;

/// <summary>Pole actors, the live feed and the MQTT edge that feeds them.</summary>
internal static class PoleModule
{
    public static IHostApplicationBuilder AddPoles(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ActorsOptions>().BindConfiguration(ActorsOptions.Section)
            .Validate(o => o.IdleTimeout > TimeSpan.Zero, "Actors:IdleTimeout must be positive")
            .Validate(o => o.MailboxCapacity >= 1, "Actors:MailboxCapacity must be at least 1")
            .Validate(o => o.SaveDelay > TimeSpan.Zero, "Actors:SaveDelay must be positive")
            .Validate(o => o.StateStore is "sqlite" or "files", "Actors:StateStore must be 'sqlite' or 'files'")
            .ValidateOnStart();
        services.AddOptions<Dictionary<string, CityPoleOptions>>().BindConfiguration(CityPoleOptions.Section)
            .Validate(c => c.Values.All(o => o.Lighting is "none" or "duskToDawn"), "Cities:{city}:Lighting must be 'none' or 'duskToDawn'")
            .Validate(c => c.Values.All(o => o.ReportingInterval > TimeSpan.Zero), "Cities:{city}:ReportingInterval must be positive")
            .ValidateOnStart();
        services.AddOptions<LiveFeedOptions>().BindConfiguration(LiveFeedOptions.Section)
            .Validate(o => o.FlushInterval > TimeSpan.Zero && o.FlushInterval <= TimeSpan.FromMilliseconds(50), "LiveFeed:FlushInterval must be between 0 and 50 ms")
            .ValidateOnStart();
        services.AddOptions<MqttEdgeOptions>().BindConfiguration(MqttEdgeOptions.Section)
            .Validate(o => o.Port is >= 0 and <= 65535, "Mqtt:Port must be 0 (any free port) to 65535")
            .Validate(o => !o.BridgeMode || MqttBridgeService.IsValidBrokerUrl(o.ExternalBroker), "Mqtt:ExternalBroker must be mqtt://host:port, or mqtts://host:port for TLS")
            .ValidateOnStart();
        services.AddOptions<MqttBridgeOptions>().BindConfiguration(MqttBridgeOptions.Section)
            .Validate(o => o.ClientId.Length > 0, "Mqtt:Bridge:ClientId must not be empty")
            .Validate(o => o.HasValidSharedGroup, "Mqtt:Bridge:SharedGroup must not contain '/', '+' or '#'")
            .Validate(o => o.HasValidProtocolVersion, "Mqtt:Bridge:ProtocolVersion must be 5 (MQTT 5.0) or 4 (MQTT 3.1.1)")
            .Validate(o => o.CaFile.Length == 0 || File.Exists(o.CaFile), "Mqtt:Bridge:CaFile names a file that does not exist")
            .Validate(o => o.ReconnectDelay > TimeSpan.Zero && o.MaxReconnectDelay >= o.ReconnectDelay, "Mqtt:Bridge:ReconnectDelay must be positive and not above Mqtt:Bridge:MaxReconnectDelay")
            .Validate(o => o.PublishTimeout > TimeSpan.Zero, "Mqtt:Bridge:PublishTimeout must be positive")
            .Validate(o => o.MaxInflight >= 1, "Mqtt:Bridge:MaxInflight must be at least 1")
            .ValidateOnStart();

        services.AddSingleton<CityRegistry>();
        services.AddSingleton<PoleReadModel>();
        services.AddSingleton<CityFeed>();
        services.AddSingleton<DeadLetterLog>();
        services.AddSingleton<PoleSettingsProvider>();
        services.AddSingleton<IPolePublisher, BrokerPublisher>();
        services.AddSingleton<PoleFeedQueue>();
        services.AddSingleton<IActorStateStore>(sp =>
        {
            var data = sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory;
            return sp.GetRequiredService<IOptions<ActorsOptions>>().Value.StateStore == "files"
                ? new FileActorStateStore(Path.Combine(data, "actors"))
                : new SqliteActorStateStore(Path.Combine(data, "actors.db"));
        });
        services.AddSingleton(sp => new PoleActorServices(
            sp.GetRequiredService<ITimeSeriesWriter>(),
            sp.GetRequiredService<CityFeed>(),
            sp.GetRequiredService<PoleFeedQueue>(),
            sp.GetRequiredService<PoleSettingsProvider>(),
            sp.GetRequiredService<IActorStateStore>(),
            sp.GetRequiredService<IPolePublisher>(),
            sp.GetRequiredService<IOptions<ActorsOptions>>().Value.SaveDelay));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ActorsOptions>>().Value;
            var actorServices = sp.GetRequiredService<PoleActorServices>();
            return new ActorHost<PoleActor>(
                _ => new PoleActor(actorServices),
                new ActorHostOptions { IdleTimeout = options.IdleTimeout, MailboxCapacity = options.MailboxCapacity },
                sp.GetRequiredService<ILogger<ActorHost<PoleActor>>>(),
                sp.GetRequiredService<TimeProvider>());
        });
        services.AddHostedService<ActorLifetime>();
        services.AddSingleton<TelemetryIngestor>();
        services.AddSingleton<MqttEdgeService>();
        services.AddSingleton<IMqttEdge>(sp => sp.GetRequiredService<MqttEdgeService>());
        services.AddHostedService(sp => sp.GetRequiredService<MqttEdgeService>());
        services.AddSingleton<MqttBridgeService>();
        services.AddSingleton<IMqttEdge>(sp => sp.GetRequiredService<MqttBridgeService>());
        services.AddHostedService(sp => sp.GetRequiredService<MqttBridgeService>());
        services.AddSignalR().AddJsonProtocol(o =>
            o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        services.AddHostedService<LiveFeedService>();
        return builder;
    }

    /// <summary>Deactivates every pole actor at shutdown, after the broker stopped feeding them.</summary>
    private sealed class ActorLifetime(ActorHost<PoleActor> actors) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => actors.DeactivateAllAsync(cancellationToken);
    }
}
