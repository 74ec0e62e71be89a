namespace SmartPole.Telemetry;

/// <summary>Answers history queries from a time-series store.</summary>
public interface ITimeSeriesReader
{
    /// <summary>Runs <paramref name="query"/>; samples come back in time order.</summary>
    Task<IReadOnlyList<SeriesSample>> QueryAsync(SeriesQuery query, CancellationToken cancellationToken = default);
}
