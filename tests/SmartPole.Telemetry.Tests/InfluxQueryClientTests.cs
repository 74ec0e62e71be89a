using SmartPole.Testing;

namespace SmartPole.Telemetry.Tests;

/// <summary>InfluxQL through a real influxd 1.6, and the embedded store answering history queries as InfluxDB does.</summary>
public sealed class InfluxQueryClientTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _dir = new("influx-query");
    private readonly HttpClient _http = new();
    private InfluxServer _server = null!;

    public async Task InitializeAsync() => _server = await InfluxServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Results_come_back_typed_per_series_with_their_group_by_tags()
    {
        var options = Options("typed");
        await WriteAsync(options, [
            PointData.Measurement("cabinet").Tag("pole", "p-1").Field("doorOpen", true).Field("tiltDeg", 1.5).Field("count", 3L).Field("note", "ok").Timestamp(Start, WritePrecision.Milliseconds),
            PointData.Measurement("cabinet").Tag("pole", "p-2").Field("doorOpen", false).Field("tiltDeg", 2.0).Field("count", 4L).Field("note", "n\"o").Timestamp(Start.AddSeconds(1), WritePrecision.Milliseconds),
        ]);
        var client = new InfluxQueryClient(options, _http);

        var result = await client.QueryAsync("SELECT doorOpen, tiltDeg, \"count\", note FROM cabinet GROUP BY pole", CancellationToken.None);

        Assert.Equal(2, result.Series.Count);
        var first = result.Series[0];
        Assert.Equal("cabinet", first.Name);
        Assert.Equal("p-1", first.Tags["pole"]);
        Assert.Equal(["time", "doorOpen", "tiltDeg", "count", "note"], first.Columns);
        Assert.Equal([Start, true, 1.5, 3L, "ok"], first.Values[0]);
        Assert.Equal("p-2", result.Series[1].Tags["pole"]);
        Assert.Equal([Start.AddSeconds(1), false, 2L, 4L, "n\"o"], result.Series[1].Values[0]);
        Assert.Equal(2.0, result.Series[1].GetDouble(0, "tiltDeg"));
    }

    [Fact]
    public async Task History_queries_quote_names_and_tag_values_with_quotes_and_backslashes()
    {
        var options = Options("quoting");
        var point = PointData.Measurement("odd \"m\" 'x'").Tag("ta'g", "it's a \"value\" c:\\temp").Field("fi\"eld", 4.5).Timestamp(Start, WritePrecision.Milliseconds);
        await WriteAsync(options, [point]);
        var client = new InfluxQueryClient(options, _http);
        var tags = new Dictionary<string, string> { ["ta'g"] = "it's a \"value\" c:\\temp" };

        var found = await client.QueryAsync(new SeriesQuery("odd \"m\" 'x'", "fi\"eld", tags, Start, Start.AddSeconds(1)));
        var other = await client.QueryAsync(new SeriesQuery("odd \"m\" 'x'", "fi\"eld", new Dictionary<string, string> { ["ta'g"] = "it's a" }, Start, Start.AddSeconds(1)));
        await using var embedded = new EmbeddedSeriesStore(new EmbeddedSeriesOptions { DataDirectory = Path.Combine(_dir.Path, "quoting") }, timeProvider: new ManualTimeProvider(Start));
        embedded.Write(point);
        var foundEmbedded = await embedded.QueryAsync(new SeriesQuery("odd \"m\" 'x'", "fi\"eld", tags, Start, Start.AddSeconds(1)));

        Assert.Equal([new SeriesSample(Start, 4.5)], found);
        Assert.Empty(other);
        Assert.Equal(found, foundEmbedded);
    }

    [Fact]
    public async Task A_chunked_answer_is_joined_into_one_series()
    {
        var options = Options("chunked");
        await WriteAsync(options, Enumerable.Range(0, 25_000).Select(i =>
            PointData.Measurement("meter").Field("n", (long)i).Timestamp(Start.AddMilliseconds(i), WritePrecision.Milliseconds)));
        var client = new InfluxQueryClient(options, _http);

        var result = await client.QueryAsync("SELECT n FROM meter", CancellationToken.None);

        var series = Assert.Single(result.Series);
        Assert.Equal(Enumerable.Range(0, 25_000).Select(i => (object?)(long)i), series.Values.Select(row => row[1]));
    }

    [Fact]
    public async Task Errors_surface_with_influxdbs_message()
    {
        var client = new InfluxQueryClient(Options("nowhere"), _http);

        var syntax = await Assert.ThrowsAsync<InfluxException>(() => client.QueryAsync("SELEC nonsense", CancellationToken.None));
        var missing = await Assert.ThrowsAsync<InfluxException>(() => client.QueryAsync("SELECT v FROM m", CancellationToken.None));

        Assert.Contains("error parsing query", syntax.Message, StringComparison.Ordinal);
        Assert.Contains("database not found", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_embedded_store_answers_history_queries_as_influxdb_does()
    {
        var options = Options("same");
        var random = new Random(7);
        var points = new List<PointData>();
        for (var i = 0; i < 3000; i++)
        {
            var pole = $"p-{i % 3}";
            var at = Start.AddMilliseconds(random.Next(0, 3 * 3600 * 1000));
            points.Add(PointData.Measurement("lighting").Tag("city", "sz").Tag("pole", pole).Tag("device", i % 2 == 0 ? "lamp-1" : "lamp-2")
                .Field("powerW", Math.Round(random.NextDouble() * 200, 3)).Field("dimPct", (long)random.Next(0, 101)).Timestamp(at, WritePrecision.Milliseconds));
        }

        await WriteAsync(options, points);
        await using var embedded = new EmbeddedSeriesStore(new EmbeddedSeriesOptions { DataDirectory = Path.Combine(_dir.Path, "embedded") }, timeProvider: new ManualTimeProvider(Start));
        foreach (var point in points)
        {
            embedded.Write(point);
        }

        var influx = new InfluxQueryClient(options, _http);
        var pole1 = new Dictionary<string, string> { ["city"] = "sz", ["pole"] = "p-1" };
        var lamp = new Dictionary<string, string> { ["pole"] = "p-2", ["device"] = "lamp-1" };
        SeriesQuery[] queries =
        [
            new("lighting", "powerW", pole1, Start.AddMinutes(7).AddSeconds(13), Start.AddHours(2), TimeSpan.FromMinutes(1)),
            new("lighting", "dimPct", pole1, Start, Start.AddHours(3), TimeSpan.FromMinutes(15)),
            new("lighting", "powerW", lamp, Start.AddMinutes(30), Start.AddMinutes(50)),
            new("lighting", "powerW", new Dictionary<string, string>(), Start, Start.AddHours(4), TimeSpan.FromHours(1)),
            new("lighting", "powerW", new Dictionary<string, string> { ["pole"] = "nope" }, Start, Start.AddHours(4), TimeSpan.FromHours(1)),
            new("lighting", "powerW", pole1, Start, Start.AddHours(3), TimeSpan.FromMinutes(10)) { Aggregate = SeriesAggregate.Min },
            new("lighting", "powerW", pole1, Start, Start.AddHours(3), TimeSpan.FromMinutes(10)) { Aggregate = SeriesAggregate.Max },
            new("lighting", "powerW", pole1, Start, Start.AddHours(3), TimeSpan.FromMinutes(10)) { Aggregate = SeriesAggregate.Last },
            new("lighting", "powerW", pole1, Start, Start.AddHours(3), TimeSpan.FromMinutes(10)) { Aggregate = SeriesAggregate.First },
            new("lighting", "dimPct", pole1, Start, Start.AddHours(3), TimeSpan.FromMinutes(10)) { Aggregate = SeriesAggregate.Sum },
            new("lighting", "powerW", pole1, Start, Start.AddHours(3), TimeSpan.FromMinutes(10)) { Aggregate = SeriesAggregate.Spread },
            new("lighting", "powerW", pole1, Start, Start.AddHours(3), TimeSpan.FromMinutes(10)) { Aggregate = SeriesAggregate.Count },
            new("lighting", "powerW", lamp, Start, Start.AddHours(4)) { Aggregate = SeriesAggregate.Last },
            new("lighting", "powerW", lamp, Start, Start.AddHours(4)) { Aggregate = SeriesAggregate.Max },
            new("lighting", "powerW", lamp, Start.AddMinutes(1), Start.AddHours(4)) { Aggregate = SeriesAggregate.Mean },
            new("lighting", "powerW", pole1, Start, Start.AddHours(4), TimeSpan.FromHours(1)) { TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata") },
        ];

        foreach (var query in queries)
        {
            var expected = await influx.QueryAsync(query);
            var actual = await embedded.QueryAsync(query);

            Assert.Equal(expected.Select(s => s.Time), actual.Select(s => s.Time));
            foreach (var (e, a) in expected.Zip(actual))
            {
                Assert.True(Math.Abs(e.Value!.Value - a.Value!.Value) <= 1e-9 * Math.Max(1, Math.Abs(e.Value.Value)), $"{query}: {e} vs {a}");
            }
        }

        Assert.NotEmpty(await embedded.QueryAsync(queries[0]));
    }

    [Fact]
    public async Task Days_in_the_citys_time_zone_give_the_same_daily_energy_in_both_stores()
    {
        var options = Options("daily");
        var points = new List<PointData>();
        var energy = 1000.0;
        for (var at = new DateTimeOffset(2026, 10, 22, 0, 0, 0, TimeSpan.Zero); at < new DateTimeOffset(2026, 10, 28, 0, 0, 0, TimeSpan.Zero); at = at.AddMinutes(17))
        {
            energy += 0.37;
            points.Add(PointData.Measurement("meter").Tag("pole", "p-1").Field("energyKWh", Math.Round(energy, 2)).Timestamp(at, WritePrecision.Milliseconds));
        }

        await WriteAsync(options, points);
        await using var embedded = new EmbeddedSeriesStore(new EmbeddedSeriesOptions { DataDirectory = Path.Combine(_dir.Path, "daily"), RetentionDays = 30 }, timeProvider: new ManualTimeProvider(new DateTimeOffset(2026, 10, 28, 0, 0, 0, TimeSpan.Zero)));
        foreach (var point in points)
        {
            embedded.Write(point);
        }

        var influx = new InfluxQueryClient(options, _http);
        var tags = new Dictionary<string, string> { ["pole"] = "p-1" };
        foreach (var zone in new[] { "Asia/Shanghai", "Europe/Berlin" })
        {
            var query = new SeriesQuery("meter", "energyKWh", tags, new DateTimeOffset(2026, 10, 22, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 28, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(1))
            {
                Aggregate = SeriesAggregate.Spread,
                TimeZone = TimeZoneInfo.FindSystemTimeZoneById(zone),
            };

            var expected = await influx.QueryAsync(query);
            var actual = await embedded.QueryAsync(query);

            Assert.Equal(expected.Select(s => s.Time), actual.Select(s => s.Time));
            Assert.Equal(expected.Select(s => Math.Round(s.Value!.Value, 6)), actual.Select(s => Math.Round(s.Value!.Value, 6)));
            Assert.Equal(7, actual.Count);
        }
    }

    private InfluxOptions Options(string database) => new()
    {
        Url = _server.Url.ToString(),
        Database = database,
        SpillDirectory = Path.Combine(_dir.Path, "spill-" + database),
        FlushInterval = TimeSpan.FromMilliseconds(50),
    };

    private async Task WriteAsync(InfluxOptions options, IEnumerable<PointData> points)
    {
        await using var writer = new InfluxWriter(options, _http);
        await writer.EnsureDatabaseAsync(CancellationToken.None);
        foreach (var point in points)
        {
            writer.Write(point);
        }

        await writer.FlushAsync();
        Assert.Equal(writer.Counters.Queued, writer.Counters.Written);
    }
}
