using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace SmartPole.Telemetry;

/// <summary>
/// InfluxQL over <c>/query</c>, the API InfluxDB 1.x, 2.x (with a DBRP mapping) and 3.x all serve. Answers are
/// requested chunked with millisecond epochs; errors, whether an HTTP status or a statement's <c>error</c>, throw
/// <see cref="InfluxException"/> with InfluxDB's message.
/// </summary>
public sealed class InfluxQueryClient : ITimeSeriesReader
{
    private const int ChunkSize = 10_000;

    private readonly InfluxOptions _options;
    private readonly HttpClient _http;
    private readonly InfluxHttp _api;

    /// <summary>Creates the client; <paramref name="http"/> is used as given (its lifetime is the caller's).</summary>
    public InfluxQueryClient(InfluxOptions options, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        _api = new InfluxHttp(options);
        _options = options;
        _http = http;
    }

    /// <summary>Runs <paramref name="influxQl"/> (one or more statements) against the configured database.</summary>
    public async Task<InfluxQueryResult> QueryAsync(string influxQl, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(influxQl);
        var form = new List<KeyValuePair<string, string>>
        {
            new("q", influxQl),
            new("db", _options.UsesV2 && !string.IsNullOrEmpty(_options.Bucket) ? _options.Bucket : _options.Database),
            new("epoch", "ms"),
            new("chunked", "true"),
            new("chunk_size", ChunkSize.ToString(CultureInfo.InvariantCulture)),
        };
        if (!string.IsNullOrEmpty(_options.RetentionPolicy))
        {
            form.Add(new("rp", _options.RetentionPolicy));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, _api.QueryUri) { Content = new FormUrlEncodedContent(form) };
        _api.Authorize(request);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InfluxException(InfluxHttp.ErrorMessage(Encoding.UTF8.GetString(body), response.StatusCode), response.StatusCode);
        }

        return Parse(body);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SeriesSample>> QueryAsync(SeriesQuery query, CancellationToken cancellationToken = default)
    {
        SeriesReduction.Validate(query);
        if (query.To <= query.From)
        {
            return [];
        }

        var result = await QueryAsync(BuildInfluxQl(query), cancellationToken).ConfigureAwait(false);
        var samples = new List<SeriesSample>();
        foreach (var series in result.Series)
        {
            var column = series.Columns.Count > 1 ? series.Columns[1] : query.Field;
            for (var row = 0; row < series.Values.Count; row++)
            {
                samples.Add(new SeriesSample(series.GetTime(row), series.GetDouble(row, column)));
            }
        }

        return samples;
    }

    /// <summary>The InfluxQL of a history query: raw values, or the mean per epoch-aligned window without empty windows.</summary>
    internal static string BuildInfluxQl(SeriesQuery query)
    {
        var field = QuoteIdentifier(query.Field);
        var selection = query.Every is null && query.Aggregate is null
            ? field
            : $"{(query.Aggregate ?? SeriesAggregate.Mean).ToString().ToUpperInvariant()}({field})";
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"SELECT {selection} FROM {QuoteIdentifier(query.Measurement)}")
            .Append(CultureInfo.InvariantCulture, $" WHERE time >= {LineProtocol.ToUnix(query.From, WritePrecision.Nanoseconds)}")
            .Append(CultureInfo.InvariantCulture, $" AND time < {LineProtocol.ToUnix(query.To, WritePrecision.Nanoseconds)}");
        foreach (var (key, value) in query.Tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            text.Append(" AND ").Append(QuoteIdentifier(key)).Append(" = ").Append(QuoteString(value));
        }

        if (query.Every is { } every)
        {
            text.Append(CultureInfo.InvariantCulture, $" GROUP BY time({every.Ticks / 10}u) fill(none)");
        }

        if (query.TimeZone is { } zone)
        {
            text.Append(" tz(").Append(QuoteString(IanaId(zone))).Append(')');
        }

        return text.ToString();
    }

    private static string IanaId(TimeZoneInfo zone) =>
        zone.HasIanaId ? zone.Id
        : TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana) ? iana
        : throw new ArgumentException($"Time zone '{zone.Id}' has no IANA name, which InfluxQL's tz() needs.", nameof(zone));

    /// <summary>An InfluxQL identifier in double quotes, with quotes and backslashes escaped.</summary>
    internal static string QuoteIdentifier(string name) => "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>An InfluxQL string literal in single quotes, with quotes and backslashes escaped.</summary>
    internal static string QuoteString(string value) => "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    /// <summary>Reads a (chunked) answer: one JSON document per chunk; a series split across chunks is joined again.</summary>
    internal static InfluxQueryResult Parse(ReadOnlySpan<byte> body)
    {
        var series = new List<InfluxSeries>();
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowMultipleValues = true });
        var lastStatement = -1;
        while (reader.Read())
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.TryGetProperty("error", out var topError))
            {
                throw new InfluxException(topError.GetString() ?? "query failed", (HttpStatusCode?)null);
            }

            if (!root.TryGetProperty("results", out var results))
            {
                continue;
            }

            foreach (var result in results.EnumerateArray())
            {
                if (result.TryGetProperty("error", out var error))
                {
                    throw new InfluxException(error.GetString() ?? "statement failed", (HttpStatusCode?)null);
                }

                var statement = result.TryGetProperty("statement_id", out var id) ? id.GetInt32() : 0;
                if (!result.TryGetProperty("series", out var seriesArray))
                {
                    lastStatement = statement;
                    continue;
                }

                foreach (var element in seriesArray.EnumerateArray())
                {
                    var next = ReadSeries(element);
                    var previous = series.Count > 0 ? series[^1] : null;
                    if (statement == lastStatement && previous is not null && SameSeries(previous, next))
                    {
                        series[^1] = previous with { Values = [.. previous.Values, .. next.Values] };
                    }
                    else
                    {
                        series.Add(next);
                    }

                    lastStatement = statement;
                }
            }
        }

        return new InfluxQueryResult(series);
    }

    private static bool SameSeries(InfluxSeries a, InfluxSeries b) =>
        a.Name == b.Name
        && a.Columns.SequenceEqual(b.Columns)
        && a.Tags.Count == b.Tags.Count
        && a.Tags.All(t => b.Tags.TryGetValue(t.Key, out var v) && v == t.Value);

    private static InfluxSeries ReadSeries(JsonElement element)
    {
        var name = element.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element.TryGetProperty("tags", out var tagObject))
        {
            foreach (var tag in tagObject.EnumerateObject())
            {
                tags[tag.Name] = tag.Value.GetString() ?? "";
            }
        }

        var columns = element.TryGetProperty("columns", out var c) ? c.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];
        var timeColumn = columns.IndexOf("time");
        var rows = new List<IReadOnlyList<object?>>();
        if (element.TryGetProperty("values", out var values))
        {
            foreach (var row in values.EnumerateArray())
            {
                var cells = new object?[columns.Count];
                var i = 0;
                foreach (var cell in row.EnumerateArray())
                {
                    cells[i] = i == timeColumn && cell.ValueKind == JsonValueKind.Number
                        ? LineProtocol.FromUnix(cell.GetInt64(), WritePrecision.Milliseconds)
                        : Cell(cell);
                    i++;
                }

                rows.Add(cells);
            }
        }

        return new InfluxSeries(name, tags, columns, rows);
    }

    private static object? Cell(JsonElement cell) => cell.ValueKind switch
    {
        JsonValueKind.Number => cell.TryGetInt64(out var integer) ? (object)integer : cell.GetDouble(),
        JsonValueKind.String => cell.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
