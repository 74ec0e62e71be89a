using SmartPole.Actors;
using SmartPole.Domain;
using SmartPole.Domain.Poles;
using SmartPole.Domain.Telemetry;
using SmartPole.Server.LiveFeed;
using SmartPole.Telemetry;

namespace SmartPole.Server.Poles;

/// <summary>
/// One pole's actor: applies its frames to the twin in turns, writes the readings to the
/// time-series store and tells the live feed. Thin on purpose: the behaviour is the twin's.
/// </summary>
internal sealed class PoleActor : Actor
{
    private readonly ITimeSeriesWriter _series;
    private readonly CityFeed _feed;
    private readonly CityRegistry _registry;
    private PoleTwin? _twin;

    public PoleActor(ITimeSeriesWriter series, CityFeed feed, CityRegistry registry)
    {
        _series = series;
        _feed = feed;
        _registry = registry;
    }

    private PoleTwin Twin => _twin ?? throw new InvalidOperationException("pole actor used before activation");

    protected override Task OnActivateAsync(CancellationToken ct)
    {
        var (city, pole) = PoleKey.Parse(Key);
        _twin = new PoleTwin(city, pole);
        return Task.CompletedTask;
    }

    /// <summary>Applies one frame: twin, time series, live feed. A duplicate changes nothing.</summary>
    public ValueTask ApplyAsync(TelemetryFrame frame)
    {
        if (Twin.Apply(frame) == SeqOutcome.Duplicate)
        {
            return ValueTask.CompletedTask;
        }

        var district = _registry.Find(Twin.City, Twin.Pole)?.District;
        foreach (var reading in frame.Devices)
        {
            _series.Write(ToPoint(reading, frame.Timestamp, district));
        }

        _feed.Publish(Twin.ToSnapshot());
        return ValueTask.CompletedTask;
    }

    /// <summary>The twin's current state.</summary>
    public ValueTask<PoleSnapshot> SnapshotAsync() => ValueTask.FromResult(Twin.ToSnapshot());

    // InfluxDB schema of the design: measurement = kind; tags = city, pole, device, district; fields = metrics; ms.
    private PointData ToPoint(DeviceReading reading, DateTimeOffset timestamp, string? district)
    {
        var point = PointData.Measurement(MetricCatalog.WireName(reading.Kind))
            .Tag("city", Twin.City)
            .Tag("pole", Twin.Pole)
            .Tag("device", reading.DeviceId)
            .Tag("district", district);
        foreach (var metric in reading.Metrics)
        {
            point = metric.Value.Type switch
            {
                MetricType.Boolean => point.Field(metric.Name, metric.Value.AsBoolean()),
                MetricType.Integer => point.Field(metric.Name, metric.Value.AsInteger()),
                _ => point.Field(metric.Name, metric.Value.AsDouble()),
            };
        }

        return point.Timestamp(timestamp, WritePrecision.Milliseconds);
    }
}
