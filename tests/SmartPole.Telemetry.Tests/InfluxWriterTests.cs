using System.Text.Json;
using SmartPole.Testing;

namespace SmartPole.Telemetry.Tests;

/// <summary>The writer against a real Debian influxd 1.6, read back through its own /query.</summary>
public sealed class InfluxWriterTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _spill = new("influx-spill");
    private InfluxServer _server = null!;

    public async Task InitializeAsync() => _server = await InfluxServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _spill.Dispose();
    }

    [Fact]
    public async Task Escaped_names_and_every_field_type_come_back_from_query_exactly()
    {
        using var http = new HttpClient();
        await using var writer = Writer(http, "roundtrip");
        await writer.EnsureDatabaseAsync(CancellationToken.None);
        var point = PointData.Measurement("wea ther,x=1")
            .Tag("loca tion", "us,mid=west")
            .Tag("城市", "深圳")
            .Tag("path", "c:\\temp")
            .Field("te mp,=f", 82.25)
            .Field("count", -7L)
            .Field("on", true)
            .Field("note", "say \"hi\" \\ bye, a=b")
            .Field("tiny", 1.5e-300)
            .Timestamp(Start.AddMilliseconds(123), WritePrecision.Milliseconds);

        writer.Write(point);
        await writer.FlushAsync();

        using var series = await _server.QueryAsync("SHOW SERIES", "roundtrip");
        using var values = await _server.QueryAsync("SELECT * FROM \"wea ther,x=1\"", "roundtrip");
        Assert.Equal(
            "wea\\ ther\\,x=1,loca\\ tion=us\\,mid\\=west,path=c:\\temp,城市=深圳",
            series.RootElement.GetProperty("results")[0].GetProperty("series")[0].GetProperty("values")[0][0].GetString());
        var row = Row(values);
        Assert.Equal("2026-11-21T00:00:00.123Z", row["time"].GetString());
        Assert.Equal("us,mid=west", row["loca tion"].GetString());
        Assert.Equal("深圳", row["城市"].GetString());
        Assert.Equal("c:\\temp", row["path"].GetString());
        Assert.Equal(82.25, row["te mp,=f"].GetDouble());
        Assert.Equal(-7, row["count"].GetInt64());
        Assert.True(row["on"].GetBoolean());
        Assert.Equal("say \"hi\" \\ bye, a=b", row["note"].GetString());
        Assert.Equal(1.5e-300, row["tiny"].GetDouble());
        Assert.Equal((1, 1, 0, 0), (writer.Counters.Queued, writer.Counters.Written, writer.Counters.DeadLettered, writer.Counters.Spilled));
    }

    [Fact]
    public async Task Every_precision_reaches_influxd_as_the_instant_written_floored_to_that_precision()
    {
        using var http = new HttpClient();
        await using var writer = Writer(http, "precision");
        await writer.EnsureDatabaseAsync(CancellationToken.None);
        var time = Start.AddTicks(11_234_567);
        (WritePrecision Precision, string Expected)[] cases =
        [
            (WritePrecision.Nanoseconds, "2026-11-21T00:00:01.1234567Z"),
            (WritePrecision.Microseconds, "2026-11-21T00:00:01.123456Z"),
            (WritePrecision.Milliseconds, "2026-11-21T00:00:01.123Z"),
            (WritePrecision.Seconds, "2026-11-21T00:00:01Z"),
        ];

        foreach (var (precision, _) in cases)
        {
            writer.Write(PointData.Measurement("precise").Tag("p", precision.ToString()).Field("v", 1.0).Timestamp(time, precision));
        }

        await writer.FlushAsync();

        foreach (var (precision, expected) in cases)
        {
            using var rows = await _server.QueryAsync($"SELECT v FROM precise WHERE p = '{precision}'", "precision");
            Assert.Equal(expected, Row(rows)["time"].GetString());
        }

        Assert.Equal((4, 4, 0), (writer.Counters.Queued, writer.Counters.Written, writer.Counters.DeadLettered));
    }

    [Fact]
    public async Task A_hundred_thousand_points_of_every_field_type_come_back_exactly_once_with_their_values()
    {
        const int count = 100_000;
        using var http = new HttpClient();
        await using var writer = Writer(http, "bulk");
        await writer.EnsureDatabaseAsync(CancellationToken.None);

        for (var i = 0; i < count; i++)
        {
            writer.Write(PointData.Measurement("lighting").Tag("pole", $"p-{i % 100}")
                .Field("n", (i - 50_000) * 1_000_003L).Field("powerW", BulkFloat(i)).Field("on", i % 2 == 0).Field("state", $"s \"{i % 7}\" \\")
                .Timestamp(Start.AddMilliseconds(i), WritePrecision.Milliseconds));
        }

        await writer.FlushAsync();
        var result = await new InfluxQueryClient(new InfluxOptions { Url = _server.Url.ToString(), Database = "bulk" }, http)
            .QueryAsync("SELECT n, powerW, \"on\", state, pole FROM lighting", CancellationToken.None);

        var rows = Assert.Single(result.Series).Values;
        Assert.Equal(count, rows.Count);
        for (var i = 0; i < count; i++)
        {
            object?[] expected = [Start.AddMilliseconds(i), (i - 50_000) * 1_000_003L, BulkFloat(i), i % 2 == 0, $"s \"{i % 7}\" \\", $"p-{i % 100}"];
            object?[] actual = [.. rows[i]];

            // JSON does not say whether 0 was a float: compare the float column as a double.
            actual[2] = Convert.ToDouble(actual[2], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(expected, actual);
        }

        Assert.Equal((count, count, 0, 0), (writer.Counters.Queued, writer.Counters.Written, writer.Counters.DeadLettered, writer.Counters.Spilled));
    }

    [Fact]
    public async Task A_field_type_conflict_dead_letters_only_the_bad_line_with_influxdbs_message()
    {
        using var http = new HttpClient();
        await using var writer = Writer(http, "conflict");
        await writer.EnsureDatabaseAsync(CancellationToken.None);
        writer.Write(Power(0, 1.0));
        await writer.FlushAsync();

        for (var i = 1; i <= 20; i++)
        {
            writer.Write(i == 13
                ? PointData.Measurement("meter").Tag("pole", "p-1").Field("powerW", 13L).Timestamp(Start.AddSeconds(i), WritePrecision.Milliseconds)
                : Power(i, i));
        }

        await writer.FlushAsync();

        var dead = Assert.Single(writer.DeadLetters);
        Assert.StartsWith("meter,pole=p-1 powerW=13i ", dead.Line, StringComparison.Ordinal);
        Assert.Contains("field type conflict", dead.Reason, StringComparison.Ordinal);
        Assert.Equal(20, await _server.CountAsync("conflict", "meter", "powerW"));
        Assert.Equal((21, 20, 1), (writer.Counters.Queued, writer.Counters.Written, writer.Counters.DeadLettered));
    }

    [Fact]
    public async Task Points_streamed_through_a_thirty_second_outage_arrive_exactly_once_after_influxd_returns()
    {
        using var http = new HttpClient();
        await using var writer = Writer(http, "outage");
        await writer.EnsureDatabaseAsync(CancellationToken.None);
        var written = 0;
        using var stop = new CancellationTokenSource();
        var stream = Task.Run(async () =>
        {
            // A steady stream (20 points every 10 ms) that runs through the outage: batches go out by age while we write.
            while (!stop.IsCancellationRequested)
            {
                for (var i = 0; i < 20; i++)
                {
                    writer.Write(Power(written, written));
                    Interlocked.Increment(ref written);
                }

                await Task.Delay(10, CancellationToken.None);
            }
        });

        // The three durations are the scenario (the 30 s outage), not waits for a condition.
        await Task.Delay(TimeSpan.FromSeconds(1));
        await _server.StopAsync();
        var writtenBefore = Volatile.Read(ref written);
        await Task.Delay(TimeSpan.FromSeconds(30));
        var during = writer.Counters;
        await _server.StartAgainAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await stream;
        await writer.FlushAsync();

        await WaitFor.ConditionAsync(
            async () => await _server.CountAsync("outage", "meter", "powerW") == written,
            TimeSpan.FromSeconds(30),
            () => $"{written} points expected in influxd; writer counters {writer.Counters}");
        using var distinct = await _server.QueryAsync("SELECT COUNT(DISTINCT(powerW)) FROM meter", "outage");
        Assert.Equal(written, Row(distinct)["count"].GetInt64());
        Assert.True(during.Spilled > 0 && during.Queued - writtenBefore > 10_000, $"a 30 s stream should have been spilled during the outage: {during}");
        Assert.Equal((0, 0, 0), (writer.Counters.Dropped, writer.Counters.DeadLettered, writer.Counters.OnDisk));
        Assert.Equal(written, writer.Counters.Written);
    }

    private InfluxWriter Writer(HttpClient http, string database) => new(
        new InfluxOptions
        {
            Url = _server.Url.ToString(),
            Database = database,
            SpillDirectory = Path.Combine(_spill.Path, database),
            BatchSize = 1000,
            FlushInterval = TimeSpan.FromMilliseconds(50),
            MaxRetries = 1,
            RetryInitialDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromMilliseconds(300),
            RequestTimeout = TimeSpan.FromSeconds(5),
        },
        http);

    private static PointData Power(int i, double value) =>
        PointData.Measurement("meter").Tag("pole", "p-1").Field("powerW", value).Timestamp(Start.AddSeconds(i), WritePrecision.Milliseconds);

    // Doubles that need all 17 significant digits, tiny and huge ones, negatives and zero.
    private static double BulkFloat(int i) => (i % 5) switch
    {
        0 => i / 3.0,
        1 => -i * 1e-300,
        2 => i * 1.7976931348623157e303,
        3 => Math.PI * (i - 50_000),
        _ => 0.1 * i,
    };

    private static Dictionary<string, JsonElement> Row(JsonDocument document)
    {
        var series = document.RootElement.GetProperty("results")[0].GetProperty("series")[0];
        var columns = series.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToList();
        var values = series.GetProperty("values")[0].EnumerateArray().ToList();
        return columns.Zip(values).ToDictionary(p => p.First, p => p.Second);
    }
}
