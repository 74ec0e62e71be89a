using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartPole.Actors;
using SmartPole.Domain;
using SmartPole.Server.Poles;
using SmartPole.Telemetry;

namespace SmartPole.Server.Apis;

/// <summary>One metric's history from the time-series store: <c>/api/cities/{city}/poles/{pole}/telemetry</c>.</summary>
internal static class TelemetryApi
{
    /// <summary>Range when <c>from</c> is not given.</summary>
    internal static readonly TimeSpan DefaultRange = TimeSpan.FromHours(1);

    /// <summary>Longest range one request may read.</summary>
    internal static readonly TimeSpan MaxRange = TimeSpan.FromDays(366);

    /// <summary>Most windows one request may ask for (range / every).</summary>
    internal const int MaxWindows = 10_000;

    /// <summary>Windows the automatic step aims at: enough for a smooth chart, few enough to send quickly.</summary>
    internal const int AutoWindows = 300;

    // Steps the automatic choice picks from, so windows fall on round times.
    private static readonly TimeSpan[] NiceSteps =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30),
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(1), TimeSpan.FromHours(3), TimeSpan.FromHours(6), TimeSpan.FromHours(12), TimeSpan.FromDays(1),
    ];

    public static IEndpointRouteBuilder MapTelemetryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/cities/{city}/poles/{pole}/telemetry", GetHistory)
            .WithTags("Telemetry")
            .WithSummary("History of one metric of one device: mean per window (every=auto picks about 300 windows), default the last hour");
        return app;
    }

    private static async Task<Results<Ok<TelemetryHistory>, ProblemHttpResult>> GetHistory(
        string city,
        string pole,
        string? device,
        string? metric,
        string? from,
        string? to,
        string? every,
        CityRegistry registry,
        ActorHost<PoleActor> actors,
        ITimeSeriesReader reader,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (registry.Find(city) is not { } cityEntry)
        {
            return NotFound("Unknown city", $"No city '{city}'.");
        }

        if (registry.Find(city, pole) is not { } info)
        {
            return NotFound("Unknown pole", $"City '{city}' has no pole '{pole}'.");
        }

        if (string.IsNullOrWhiteSpace(device))
        {
            return BadRequest("Missing device", "Name the device with ?device=, e.g. ?device=lamp-1&metric=powerW.");
        }

        if (string.IsNullOrWhiteSpace(metric))
        {
            return BadRequest("Missing metric", "Name the metric with ?metric=, e.g. ?device=lamp-1&metric=powerW.");
        }

        // The registry knows the devices of seeded poles; a pole registered by its first frame is known by its twin.
        DeviceKind? kind = info.Devices.FirstOrDefault(d => d.Id == device)?.Kind;
        if (kind is null)
        {
            var snapshot = await actors.AskAsync(PoleKey.Of(city, pole), (actor, _) => actor.SnapshotAsync(), cancellationToken);
            if (snapshot.Devices.FirstOrDefault(d => d.Id == device) is { } seen && MetricCatalog.TryGetKind(seen.Kind, out var seenKind))
            {
                kind = seenKind;
            }
        }

        if (kind is not { } deviceKind)
        {
            return NotFound("Unknown device", $"Pole '{pole}' of '{city}' has no device '{device}'.");
        }

        var wireName = MetricCatalog.WireName(deviceKind);
        if (!MetricCatalog.TryGetMetric(deviceKind, metric, out var definition))
        {
            var known = string.Join(", ", MetricCatalog.Metrics(deviceKind).Where(m => m.Type != MetricType.Boolean).Select(m => m.Name));
            return BadRequest("Unknown metric", $"A {wireName} device has no metric '{metric}'; it has: {known}.");
        }

        if (definition.Type == MetricType.Boolean)
        {
            return BadRequest("Metric is not numeric", $"'{metric}' is an on/off value; history averages numeric metrics only.");
        }

        var now = time.GetUtcNow();
        if (!TryParseInstant(to, now, out var end))
        {
            return BadRequest("Invalid 'to'", $"'to' must be an ISO 8601 time with offset, e.g. 2026-11-21T12:00:00Z; got '{to}'.");
        }

        if (!TryParseInstant(from, end - DefaultRange, out var start))
        {
            return BadRequest("Invalid 'from'", $"'from' must be an ISO 8601 time with offset, e.g. 2026-11-21T11:00:00Z; got '{from}'.");
        }

        if (start >= end)
        {
            return BadRequest("Invalid range", $"'from' ({start:O}) must be before 'to' ({end:O}).");
        }

        if (end - start > MaxRange)
        {
            return BadRequest("Range too long", $"One request reads at most {MaxRange.TotalDays:0} days; asked for {(end - start).TotalDays:0.#}.");
        }

        if (!TryParseEvery(every, end - start, out var step))
        {
            return BadRequest("Invalid 'every'", $"'every' must be 'auto' or a positive duration such as 30s, 5m, 1h or 1d; got '{every}'.");
        }

        if ((end - start) / step > MaxWindows)
        {
            return BadRequest("Too many windows", $"{end - start} in steps of {FormatStep(step)} makes more than {MaxWindows} windows; choose a larger 'every'.");
        }

        var query = new SeriesQuery(
            wireName,
            metric,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["city"] = city, ["pole"] = pole, ["device"] = device },
            start,
            end,
            step)
        {
            Aggregate = SeriesAggregate.Mean,
            TimeZone = FindTimeZone(cityEntry.TimeZone),
        };

        IReadOnlyList<SeriesSample> samples;
        try
        {
            samples = await reader.QueryAsync(query, cancellationToken);
        }
        catch (Exception e) when (e is InfluxException or HttpRequestException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Time-series store unavailable", detail: e.Message);
        }

        var points = samples.Where(s => s.Value is not null).Select(s => new TelemetryPoint(s.Time, s.Value!.Value)).ToList();
        return TypedResults.Ok(new TelemetryHistory(city, pole, device, wireName, metric, definition.Unit, start, end, FormatStep(step), (long)step.TotalSeconds, "mean", points));
    }

    /// <summary>Parses an ISO 8601 instant; empty means <paramref name="fallback"/>.</summary>
    internal static bool TryParseInstant(string? text, DateTimeOffset fallback, out DateTimeOffset value)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            value = fallback;
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    /// <summary>
    /// Parses <c>every</c>: empty or <c>auto</c> picks the smallest round step giving at most
    /// <see cref="AutoWindows"/> windows over <paramref name="range"/>; else a whole number with s, m, h or d.
    /// </summary>
    internal static bool TryParseEvery(string? text, TimeSpan range, out TimeSpan step)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            var wanted = range / AutoWindows;
            step = NiceSteps.FirstOrDefault(s => s >= wanted, TimeSpan.FromDays(Math.Ceiling(wanted.TotalDays)));
            return true;
        }

        step = TimeSpan.Zero;
        var unit = text[^1] switch
        {
            's' => TimeSpan.FromSeconds(1),
            'm' => TimeSpan.FromMinutes(1),
            'h' => TimeSpan.FromHours(1),
            'd' => TimeSpan.FromDays(1),
            _ => TimeSpan.Zero,
        };
        if (unit == TimeSpan.Zero
            || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count <= 0)
        {
            return false;
        }

        step = unit * count;
        return true;
    }

    /// <summary>The step in the largest whole unit: 30s, 5m, 1h, 1d.</summary>
    internal static string FormatStep(TimeSpan step) =>
        step.Ticks % TimeSpan.TicksPerDay == 0 ? $"{step.Ticks / TimeSpan.TicksPerDay}d"
        : step.Ticks % TimeSpan.TicksPerHour == 0 ? $"{step.Ticks / TimeSpan.TicksPerHour}h"
        : step.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{step.Ticks / TimeSpan.TicksPerMinute}m"
        : $"{(long)step.TotalSeconds}s";

    // Days of a city are its local days; an unknown zone falls back to UTC rather than failing the read.
    private static TimeZoneInfo FindTimeZone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    private static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);

    private static ProblemHttpResult BadRequest(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);
}
