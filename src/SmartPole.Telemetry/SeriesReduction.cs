namespace SmartPole.Telemetry;

/// <summary>
/// Reduces time-ordered points the way InfluxQL answers a <see cref="SeriesQuery"/>: windows aligned like
/// <c>GROUP BY time(every) tz(zone)</c>, empty windows left out, selectors stamped with the window start (or, with
/// no window, with the selected point's time), the other functions with the window start (or the range start).
/// </summary>
internal static class SeriesReduction
{
    /// <summary>Refuses a query neither store can answer: a window that is not positive or finer than a microsecond.</summary>
    public static void Validate(SeriesQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Every is { } every && every < TimeSpan.FromMicroseconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(query), every, "Every must be at least one microsecond.");
        }
    }

    public static List<SeriesSample> Reduce(IReadOnlyList<(DateTimeOffset Time, double? Value)> ordered, SeriesQuery query)
    {
        if (query.Every is null && query.Aggregate is null)
        {
            return [.. ordered.Select(p => new SeriesSample(p.Time, p.Value))];
        }

        var aggregate = query.Aggregate ?? SeriesAggregate.Mean;
        var samples = new List<SeriesSample>();
        var window = new List<(DateTimeOffset Time, double Value)>();
        DateTimeOffset? windowStart = null;
        foreach (var (time, value) in ordered)
        {
            if (value is not { } v)
            {
                continue;
            }

            var start = query.Every is { } every ? WindowStart(time, every, query.TimeZone) : query.From;
            if (windowStart != start && window.Count > 0)
            {
                samples.Add(Apply(aggregate, window, windowStart!.Value, query.Every is not null));
                window.Clear();
            }

            windowStart = start;
            window.Add((time, v));
        }

        if (window.Count > 0)
        {
            samples.Add(Apply(aggregate, window, windowStart!.Value, query.Every is not null));
        }

        return samples;
    }

    /// <summary>The start of the window holding <paramref name="time"/>: a multiple of <paramref name="every"/> in the zone's local time.</summary>
    public static DateTimeOffset WindowStart(DateTimeOffset time, TimeSpan every, TimeZoneInfo? zone)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var offset = zone?.GetUtcOffset(time).Ticks ?? 0;
        var start = ticks - Mod(ticks + offset, every.Ticks);
        if (zone is not null)
        {
            // When the window began under another offset (a daylight-saving switch), move it by the difference.
            var startOffset = zone.GetUtcOffset(new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + start, TimeSpan.Zero)).Ticks;
            if (startOffset != offset && Math.Abs(offset - startOffset) < every.Ticks)
            {
                start += offset - startOffset;
            }
        }

        return new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + start, TimeSpan.Zero);
    }

    private static SeriesSample Apply(SeriesAggregate aggregate, List<(DateTimeOffset Time, double Value)> points, DateTimeOffset windowStart, bool windowed)
    {
        (DateTimeOffset Time, double Value) selected;
        switch (aggregate)
        {
            case SeriesAggregate.Min:
                selected = points.MinBy(p => p.Value);
                break;
            case SeriesAggregate.Max:
                selected = points.MaxBy(p => p.Value);
                break;
            case SeriesAggregate.First:
                selected = points[0];
                break;
            case SeriesAggregate.Last:
                selected = points[^1];
                break;
            default:
                double sum = 0;
                double min = double.MaxValue;
                double max = double.MinValue;
                foreach (var (_, value) in points)
                {
                    sum += value;
                    min = Math.Min(min, value);
                    max = Math.Max(max, value);
                }

                var result = aggregate switch
                {
                    SeriesAggregate.Sum => sum,
                    SeriesAggregate.Spread => max - min,
                    SeriesAggregate.Count => points.Count,
                    _ => sum / points.Count,
                };
                return new SeriesSample(windowStart, result);
        }

        return new SeriesSample(windowed ? windowStart : selected.Time, selected.Value);
    }

    private static long Mod(long value, long divisor)
    {
        var remainder = value % divisor;
        return remainder < 0 ? remainder + divisor : remainder;
    }
}
