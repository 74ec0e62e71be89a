using Microsoft.Extensions.Options;
using SmartPole.Telemetry;

namespace SmartPole.Server.Hosting;

/// <summary>
/// The time-series store: InfluxDB when <c>Influx:Url</c> is set, else the embedded store under
/// <c>Storage:DataDirectory</c>. On shutdown everything written is flushed (or spilled).
/// </summary>
internal static partial class TimeSeriesModule
{
    public static IHostApplicationBuilder AddTimeSeries(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDirectory), "Storage:DataDirectory must name a folder")
            .Validate(o => o.RetentionDays >= 1, "Storage:RetentionDays must be at least 1")
            .ValidateOnStart();
        builder.Services.AddOptions<InfluxOptions>().BindConfiguration("Influx");

        if (string.IsNullOrWhiteSpace(builder.Configuration["Influx:Url"]))
        {
            builder.Services.AddSingleton(sp =>
            {
                var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
                return new EmbeddedSeriesStore(
                    new EmbeddedSeriesOptions { DataDirectory = storage.DataDirectory, RetentionDays = storage.RetentionDays },
                    sp.GetRequiredService<ILogger<EmbeddedSeriesStore>>(),
                    sp.GetRequiredService<TimeProvider>());
            });
            builder.Services.AddSingleton<ITimeSeriesWriter>(sp => sp.GetRequiredService<EmbeddedSeriesStore>());
            builder.Services.AddSingleton<ITimeSeriesReader>(sp => sp.GetRequiredService<EmbeddedSeriesStore>());
        }
        else
        {
            builder.Services.AddHttpClient(nameof(InfluxWriter));
            builder.Services.AddSingleton(sp =>
            {
                var influx = sp.GetRequiredService<IOptions<InfluxOptions>>().Value;
                var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
                // Spill files live with the rest of the platform's data unless placed explicitly.
                if (string.IsNullOrWhiteSpace(sp.GetRequiredService<IConfiguration>()["Influx:SpillDirectory"]))
                {
                    influx.SpillDirectory = Path.Combine(storage.DataDirectory, "influx-spill");
                }

                influx.SpillQuotaMB = storage.SpillQuotaMB;
                return influx;
            });
            builder.Services.AddSingleton<ITimeSeriesWriter>(sp => new InfluxWriter(
                sp.GetRequiredService<InfluxOptions>(),
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(InfluxWriter)),
                sp.GetRequiredService<ILogger<InfluxWriter>>(),
                sp.GetRequiredService<TimeProvider>()));
            builder.Services.AddSingleton<ITimeSeriesReader>(sp => new InfluxQueryClient(
                sp.GetRequiredService<InfluxOptions>(),
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(InfluxQueryClient))));
        }

        builder.Services.AddHostedService<TimeSeriesLifetime>();
        return builder;
    }

    /// <summary>
    /// Opens the store at start (so a bad folder fails startup), creates the InfluxDB database on the
    /// v1 API, and flushes everything last at shutdown.
    /// </summary>
    private sealed partial class TimeSeriesLifetime(ITimeSeriesWriter writer, ILogger<TimeSeriesLifetime> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (writer is not InfluxWriter influx)
            {
                return;
            }

            try
            {
                await influx.EnsureDatabaseAsync(cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or InfluxException or TaskCanceledException)
            {
                // InfluxDB may come up after the platform: the writer spills to disk and replays meanwhile.
                LogInfluxUnavailable(e);
            }
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "InfluxDB is not reachable at startup; points are kept on disk until it answers")]
        private partial void LogInfluxUnavailable(Exception exception);

        public Task StopAsync(CancellationToken cancellationToken) => writer.FlushAsync(cancellationToken);
    }
}
