using System.Globalization;
using System.Text;
using SmartPole.Testing;

namespace SmartPole.Telemetry.Tests;

/// <summary>
/// The writer against a scripted HTTP server: what influxd 1.6 cannot show (the v2 API, unsigned fields) and
/// failures it cannot be made to produce on demand (429, 503, a stalled server).
/// </summary>
public sealed class InfluxWriterHttpSeamTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly TempDirectory _dir = new("influx-seam");
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task The_v2_api_gets_org_bucket_precision_the_token_and_a_gzip_body_with_unsigned_fields()
    {
        await using var server = ScriptedHttpServer.Start(_ => ScriptedResponse.NoContent);
        await using var writer = Writer(server, o => { o.Token = "s3cret"; o.Org = "acme city"; o.Bucket = "poles"; });

        writer.Write(Point(1).Field("ues", 12UL));
        writer.Write(Point(2));
        await writer.FlushAsync();

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/v2/write?org=acme%20city&bucket=poles&precision=ms", request.PathAndQuery);
        Assert.Equal("Token s3cret", request.Header("Authorization"));
        Assert.Equal("gzip", request.Header("Content-Encoding"));
        Assert.Equal(["meter,pole=p-1 powerW=1,ues=12u 1795219201000", "meter,pole=p-1 powerW=2 1795219202000"], request.Lines);
        Assert.True(request.RawLength < Encoding.UTF8.GetByteCount(request.Body) + 30);
    }

    [Fact]
    public async Task The_v1_api_gets_database_retention_policy_precision_and_basic_credentials()
    {
        await using var server = ScriptedHttpServer.Start(_ => ScriptedResponse.NoContent);
        await using var writer = Writer(server, o => { o.Database = "city db"; o.RetentionPolicy = "week"; o.Username = "u"; o.Password = "p:w"; o.Gzip = false; });

        writer.Write(Point(1).Timestamp(Start, WritePrecision.Seconds));
        await writer.FlushAsync();

        var request = Assert.Single(server.Requests);
        Assert.Equal("/write?db=city%20db&rp=week&precision=s", request.PathAndQuery);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("u:p:w")), request.Header("Authorization"));
        Assert.Null(request.Header("Content-Encoding"));
        Assert.Equal(["meter,pole=p-1 powerW=1 1795219200"], request.Lines);
    }

    [Fact]
    public async Task Batches_are_cut_at_the_batch_size_and_when_the_precision_changes()
    {
        await using var server = ScriptedHttpServer.Start(_ => ScriptedResponse.NoContent);
        await using var writer = Writer(server, o => o.BatchSize = 3);

        for (var i = 0; i < 7; i++)
        {
            writer.Write(Point(i));
        }

        writer.Write(Point(8).Timestamp(Start, WritePrecision.Nanoseconds));
        await writer.FlushAsync();

        Assert.Equal([1, 1, 3, 3], server.Requests.Select(r => r.Lines.Count).Order());
        var nanoseconds = Assert.Single(server.Requests, r => r.PathAndQuery.EndsWith("precision=n", StringComparison.Ordinal));
        Assert.Equal([Point(8).Timestamp(Start, WritePrecision.Nanoseconds).ToLineProtocol()], nanoseconds.Lines);
    }

    [Fact]
    public async Task A_batch_that_is_not_full_is_sent_once_it_is_as_old_as_the_flush_interval()
    {
        var clock = new ManualTimeProvider(Start);
        await using var server = ScriptedHttpServer.Start(_ => ScriptedResponse.NoContent);
        await using var writer = Writer(server, o => o.FlushInterval = TimeSpan.FromSeconds(1), clock);
        writer.Write(Point(1));
        writer.Write(Point(2));

        clock.Advance(TimeSpan.FromSeconds(1));

        await server.WaitForAsync(r => r.Sum(x => x.Lines.Count) == 2, Timeout);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_point_without_timestamp_is_stamped_when_it_is_enqueued()
    {
        var clock = new ManualTimeProvider(Start);
        await using var server = ScriptedHttpServer.Start(_ => ScriptedResponse.NoContent);
        await using var writer = Writer(server, configure: null, clock);

        writer.Write(PointData.Measurement("m").Field("v", 1L));

        // Less than the request timeout, which runs on the same clock; the batch is built at +50 ms.
        clock.Advance(TimeSpan.FromSeconds(1));
        await writer.FlushAsync();

        Assert.Equal("m v=1i 1795219200000", Assert.Single(server.Requests).Body.TrimEnd());
    }

    [Fact]
    public async Task No_more_requests_than_the_concurrency_bound_are_in_flight_at_once()
    {
        var inFlight = 0;
        var most = 0;
        await using var server = ScriptedHttpServer.Start(async _ =>
        {
            var now = Interlocked.Increment(ref inFlight);
            for (var seen = Volatile.Read(ref most); now > seen; seen = Volatile.Read(ref most))
            {
                Interlocked.CompareExchange(ref most, now, seen);
            }

            // A slow server (the scenario, not a wait for a condition): ten queued batches would all be in flight at once without the bound.
            await Task.Delay(100);
            Interlocked.Decrement(ref inFlight);
            return ScriptedResponse.NoContent;
        });
        await using var writer = Writer(server, o => { o.BatchSize = 10; o.MaxConcurrentRequests = 2; o.MaxBufferedPoints = 1000; });

        for (var i = 0; i < 100; i++)
        {
            writer.Write(Point(i));
        }

        await writer.FlushAsync();

        Assert.Equal(2, most);
        Assert.Equal(10, server.Requests.Count);
        Assert.Equal((100, 0), (writer.Counters.Written, writer.Counters.Spilled));
    }

    [Fact]
    public async Task A_429_is_retried_no_sooner_than_its_retry_after_asks()
    {
        var calls = 0;
        await using var server = ScriptedHttpServer.Start(_ => Interlocked.Increment(ref calls) == 1
            ? new ScriptedResponse(429, "{\"error\":\"slow down\"}", new Dictionary<string, string> { ["Retry-After"] = "1" })
            : ScriptedResponse.NoContent);
        await using var writer = Writer(server, o => { o.MaxRetries = 2; o.RetryInitialDelay = TimeSpan.FromMilliseconds(1); });

        writer.Write(Point(1));
        await writer.FlushAsync();

        Assert.Equal(2, server.Requests.Count);
        Assert.True(server.Requests[1].ReceivedAt - server.Requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(950));
        Assert.Equal((1, 1, 0), (writer.Counters.Retried, writer.Counters.Written, writer.Counters.Spilled));
    }

    [Fact]
    public async Task Server_errors_are_retried_and_the_batch_is_written_once_they_pass()
    {
        var calls = 0;
        await using var server = ScriptedHttpServer.Start(_ => Interlocked.Increment(ref calls) <= 2
            ? new ScriptedResponse(503, "{\"error\":\"busy\"}")
            : ScriptedResponse.NoContent);
        await using var writer = Writer(server, o => o.MaxRetries = 3);

        writer.Write(Point(1));
        writer.Write(Point(2));
        await writer.FlushAsync();

        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal(2, r.Lines.Count));
        Assert.Equal((2, 2, 0), (writer.Counters.Retried, writer.Counters.Written, writer.Counters.Spilled));
    }

    [Fact]
    public async Task While_the_server_is_away_batches_spill_to_disk_and_are_replayed_in_order_once_it_answers()
    {
        var down = true;
        await using var server = ScriptedHttpServer.Start(_ => Volatile.Read(ref down) ? new ScriptedResponse(503) : ScriptedResponse.NoContent);
        await using var writer = Writer(server, o => o.BatchSize = 10);

        for (var i = 0; i < 95; i++)
        {
            writer.Write(Point(i));
        }

        await writer.FlushAsync();
        var spilled = writer.Counters;
        var segments = Directory.GetFiles(Path.Combine(_dir.Path, "spill"), "*.lp").Length;
        Volatile.Write(ref down, false);

        await server.WaitForAsync(r => Delivered(r).Count == 95, Timeout);
        Assert.Equal((95, 10), (spilled.OnDisk, segments));
        Assert.Equal(Enumerable.Range(0, 95).Select(i => Point(i).ToLineProtocol()), Delivered(server.Requests));
    }

    [Fact]
    public async Task Beyond_the_spill_quota_the_oldest_points_are_dropped_and_counted_and_the_newest_kept()
    {
        var down = true;
        await using var server = ScriptedHttpServer.Start(_ => Volatile.Read(ref down) ? new ScriptedResponse(503) : ScriptedResponse.NoContent);
        await using var writer = Writer(server, o => { o.BatchSize = 1000; o.SpillQuotaMB = 1; });
        var padding = new string('x', 200);
        var lines = Enumerable.Range(0, 10_000).Select(i => Point(i).Field("note", padding)).ToList();

        foreach (var line in lines)
        {
            writer.Write(line);
        }

        await writer.FlushAsync();
        var spilled = writer.Counters;
        Volatile.Write(ref down, false);
        await server.WaitForAsync(r => Delivered(r).Count + writer.Counters.Dropped == 10_000, Timeout);

        var delivered = Delivered(server.Requests);
        Assert.True(spilled.Dropped > 0);
        Assert.Equal(10_000, spilled.Dropped + spilled.OnDisk);
        // Sizes as the directory listing saw them: replay may delete a segment between listing and reading its size.
        Assert.True(new DirectoryInfo(Path.Combine(_dir.Path, "spill")).GetFiles().Sum(f => f.Length) <= 1024 * 1024);
        var index = lines.Select((p, i) => (p.ToLineProtocol(), i)).ToDictionary(x => x.Item1, x => x.Item2);
        var order = delivered.Select(l => index[l]).ToList();
        Assert.Equal(order.Order(), order);
        Assert.Equal(order.Count, order.Distinct().Count());

        // Four 240 kB segments fit in 1 MB; the three newest always survive (a fourth may be the one whose replay
        // was in flight when the quota evicted it, and which got through when the server came back).
        Assert.Equal(Enumerable.Range(7000, 3000), order.Skip(order.Count - 3000));
    }

    [Fact]
    public async Task Beyond_the_memory_bound_points_go_to_disk_instead_of_waiting_in_memory()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = ScriptedHttpServer.Start(async _ =>
        {
            await release.Task;
            return ScriptedResponse.NoContent;
        });
        await using var writer = Writer(server, o => { o.BatchSize = 10; o.MaxBufferedPoints = 50; o.MaxConcurrentRequests = 1; });

        for (var i = 0; i < 300; i++)
        {
            writer.Write(Point(i));
        }

        var stalled = writer.Counters;
        release.SetResult();
        await writer.FlushAsync();
        await server.WaitForAsync(r => Delivered(r).Count == 300, Timeout);

        Assert.True(stalled.Buffered <= 50 + 10, stalled.ToString());
        Assert.True(stalled.Spilled >= 240, stalled.ToString());
        Assert.Equal(Enumerable.Range(0, 300).Select(i => Point(i).ToLineProtocol()).Order(), Delivered(server.Requests).Order());
    }

    [Fact]
    public async Task Disposing_while_the_server_is_away_spills_everything_and_the_next_writer_replays_it()
    {
        var down = true;
        await using var server = ScriptedHttpServer.Start(_ => Volatile.Read(ref down) ? new ScriptedResponse(500) : ScriptedResponse.NoContent);
        var first = Writer(server, o => o.MaxRetries = 100);
        for (var i = 0; i < 25; i++)
        {
            first.Write(Point(i));
        }

        await first.DisposeAsync();
        var afterShutdown = first.Counters;
        Volatile.Write(ref down, false);
        await using var second = Writer(server);

        await server.WaitForAsync(r => Delivered(r).Count == 25, Timeout);
        Assert.Equal((25, 25, 0), (afterShutdown.Spilled, afterShutdown.OnDisk, afterShutdown.Buffered));
        Assert.Equal(Enumerable.Range(0, 25).Select(i => Point(i).ToLineProtocol()), Delivered(server.Requests));
    }

    [Fact]
    public async Task A_v2_unprocessable_answer_dead_letters_the_refused_line_with_the_servers_message()
    {
        await using var server = ScriptedHttpServer.Start(r => r.Body.Contains("powerW=13 ", StringComparison.Ordinal)
            ? new ScriptedResponse(422, "{\"code\":\"unprocessable entity\",\"message\":\"failure writing points: field type conflict\"}")
            : ScriptedResponse.NoContent);
        await using var writer = Writer(server, o => { o.Token = "t"; o.Org = "o"; o.Bucket = "b"; });

        for (var i = 0; i < 20; i++)
        {
            writer.Write(Point(i));
        }

        await writer.FlushAsync();

        var dead = Assert.Single(writer.DeadLetters);
        Assert.Equal(Point(13).ToLineProtocol(), dead.Line);
        Assert.Equal("failure writing points: field type conflict", dead.Reason);
        Assert.Equal((19, 1), (writer.Counters.Written, writer.Counters.DeadLettered));
    }

    [Fact]
    public async Task A_partial_write_that_names_its_lines_dead_letters_them_and_sends_the_rest_once_more()
    {
        var calls = 0;
        await using var server = ScriptedHttpServer.Start(_ => Interlocked.Increment(ref calls) == 1
            ? new ScriptedResponse(400, "{\"error\":\"partial write: field type conflict: input field \\\"powerW\\\" on measurement \\\"meter\\\" is type integer, already exists as type float dropped=2\"}")
            : ScriptedResponse.NoContent);
        await using var writer = Writer(server);
        var points = Enumerable.Range(0, 10).Select(i => i is 3 or 7 ? Point(i).Field("powerW", (long)i) : Point(i)).ToList();

        foreach (var point in points)
        {
            writer.Write(point);
        }

        await writer.FlushAsync();

        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(points.Where((_, i) => i is not (3 or 7)).Select(p => p.ToLineProtocol()), server.Requests[1].Lines);
        Assert.Equal([points[3].ToLineProtocol(), points[7].ToLineProtocol()], writer.DeadLetters.Select(d => d.Line));
        Assert.All(writer.DeadLetters, d => Assert.StartsWith("partial write: field type conflict: input field \"powerW\"", d.Reason, StringComparison.Ordinal));
        Assert.Equal((8, 2), (writer.Counters.Written, writer.Counters.DeadLettered));
    }

    [Fact]
    public async Task A_parse_error_quoting_its_line_dead_letters_that_line_only()
    {
        var calls = 0;
        await using var server = ScriptedHttpServer.Start(r => Interlocked.Increment(ref calls) == 1
            ? new ScriptedResponse(400, "{\"error\":\"partial write: unable to parse '" + r.Lines[4].Replace("\"", "\\\"", StringComparison.Ordinal) + "': invalid number dropped=0\"}")
            : ScriptedResponse.NoContent);
        await using var writer = Writer(server);

        for (var i = 0; i < 10; i++)
        {
            writer.Write(Point(i));
        }

        await writer.FlushAsync();

        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(9, server.Requests[1].Lines.Count);
        Assert.Equal(Point(4).ToLineProtocol(), Assert.Single(writer.DeadLetters).Line);
        Assert.EndsWith("': invalid number dropped=0", writer.DeadLetters[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Many_threads_writing_at_once_lose_and_duplicate_no_line_and_keep_each_series_in_order()
    {
        const int Threads = 8;
        const int FramesPerThread = 2_000;
        const int PointsPerFrame = 6;
        await using var server = ScriptedHttpServer.Start(_ => ScriptedResponse.NoContent);
        await using var writer = Writer(server, o =>
        {
            o.BatchSize = 257;
            o.MaxConcurrentRequests = 1;
        });
        using var go = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() => WriteFrames(writer, t, FramesPerThread, PointsPerFrame, go))).ToList();

        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => Assert.True(thread.Join(Timeout)));
        await writer.FlushAsync().WaitAsync(Timeout);

        var delivered = Delivered(server.Requests);
        var expected = Enumerable.Range(0, Threads)
            .SelectMany(t => Enumerable.Range(0, FramesPerThread * PointsPerFrame).Select(i => SeriesPoint(t, i).ToLineProtocol()))
            .ToHashSet();
        Assert.Equal(expected.Count, delivered.Count);
        Assert.True(expected.SetEquals(delivered));
        Assert.Equal(expected.Count, writer.Counters.Written);
        Assert.Equal(expected.Count, writer.Counters.Queued);
        foreach (var series in delivered.GroupBy(line => line[..line.IndexOf(' ', StringComparison.Ordinal)]))
        {
            var times = series.Select(line => long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(times.Order(), times);
        }
    }

    [Fact]
    public async Task A_span_of_points_is_cut_into_batches_at_the_batch_size_and_where_its_precision_changes()
    {
        await using var server = ScriptedHttpServer.Start(_ => ScriptedResponse.NoContent);
        await using var writer = Writer(server, o =>
        {
            o.BatchSize = 3;
            o.MaxConcurrentRequests = 1;
        });
        PointData[] points = [Point(0), Point(1), Point(2), Point(3), Point(4), Point(5).Timestamp(Start, WritePrecision.Seconds), Point(6)];

        writer.Write(points);
        await writer.FlushAsync();

        Assert.Equal([.. points.Select(p => p.ToLineProtocol())], Delivered(server.Requests));
        Assert.Equal([3, 2, 1, 1], server.Requests.Select(r => r.Lines.Count));
        Assert.EndsWith("precision=s", server.Requests[2].PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_span_holding_a_point_without_fields_is_refused_whole()
    {
        await using var server = ScriptedHttpServer.Start(_ => ScriptedResponse.NoContent);
        await using var writer = Writer(server);
        PointData[] points = [Point(0), PointData.Measurement("empty")];

        var refused = Assert.Throws<ArgumentException>(() => writer.Write(points));
        await writer.FlushAsync();

        Assert.Contains("'empty' has no fields", refused.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
        Assert.Equal(0, writer.Counters.Queued);
    }

    // Frames of points of this thread's own series, written as a span and, every other frame, point by point.
    private static void WriteFrames(InfluxWriter writer, int thread, int frames, int pointsPerFrame, Barrier go)
    {
        var frame = new PointData[pointsPerFrame];
        go.SignalAndWait();
        for (var f = 0; f < frames; f++)
        {
            for (var p = 0; p < pointsPerFrame; p++)
            {
                frame[p] = SeriesPoint(thread, (f * pointsPerFrame) + p);
            }

            if (f % 2 == 0)
            {
                writer.Write(frame);
                continue;
            }

            foreach (var point in frame)
            {
                writer.Write(point);
            }
        }
    }

    private static PointData SeriesPoint(int thread, int i) =>
        PointData.Measurement("meter").Tag("pole", $"p-{thread}").Field("powerW", (double)i).Timestamp(Start.AddMilliseconds(i), WritePrecision.Milliseconds);

    private InfluxWriter Writer(ScriptedHttpServer server, Action<InfluxOptions>? configure = null, TimeProvider? clock = null)
    {
        var options = new InfluxOptions
        {
            Url = server.Url.ToString(),
            SpillDirectory = Path.Combine(_dir.Path, "spill"),
            FlushInterval = TimeSpan.FromMilliseconds(50),
            MaxRetries = 0,
            RetryInitialDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
        };
        configure?.Invoke(options);
        return new InfluxWriter(options, _http, timeProvider: clock);
    }

    private static PointData Point(int i) =>
        PointData.Measurement("meter").Tag("pole", "p-1").Field("powerW", (double)i).Timestamp(Start.AddSeconds(i), WritePrecision.Milliseconds);

    // Lines of the requests the server accepted, in arrival order.
    private static List<string> Delivered(IReadOnlyList<RecordedRequest> requests) =>
        [.. requests.Where(r => r.Status == 204).SelectMany(r => r.Lines)];
}
