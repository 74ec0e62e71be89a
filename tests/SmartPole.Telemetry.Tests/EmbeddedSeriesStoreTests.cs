using SmartPole.Testing;

namespace SmartPole.Telemetry.Tests;

public sealed class EmbeddedSeriesStoreTests : IDisposable
{
    private static readonly DateTimeOffset Day = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string> Pole1 = new() { ["city"] = "sz", ["pole"] = "p-1" };

    private readonly TempDirectory _dir = new("embedded-series");
    private readonly ManualTimeProvider _clock = new(Day.AddHours(12));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Points_survive_a_reopen_as_one_line_per_point_in_the_file_of_their_utc_day()
    {
        await using (var store = Open())
        {
            store.Write(Reading("p-1", 96.5, Day.AddHours(1)));
            store.Write(Reading("p-1", 97.5, Day.AddHours(2)));
            store.Write(Reading("p-1", 98.5, Day.AddDays(-1).AddHours(23)));
            await store.FlushAsync();
        }

        await using var reopened = Open();
        var samples = await reopened.QueryAsync(new SeriesQuery("lighting", "powerW", Pole1, Day.AddDays(-1), Day.AddDays(1)));

        Assert.Equal(
            ["lighting,city=sz,device=lamp-1,pole=p-1 powerW=96.5 1795222800000", "lighting,city=sz,device=lamp-1,pole=p-1 powerW=97.5 1795226400000"],
            await File.ReadAllLinesAsync(Path.Combine(_dir.Path, "series", "2026-11-21.lp")));
        Assert.Single(await File.ReadAllLinesAsync(Path.Combine(_dir.Path, "series", "2026-11-20.lp")));
        Assert.Equal([98.5, 96.5, 97.5], samples.Select(s => s.Value!.Value));
        Assert.Equal([Day.AddHours(-1), Day.AddHours(1), Day.AddHours(2)], samples.Select(s => s.Time));
    }

    [Fact]
    public async Task Counters_follow_points_from_queued_to_written()
    {
        await using var store = Open();

        store.Write(Reading("p-1", 1, Day.AddHours(1)));
        store.Write(Reading("p-1", 2, Day.AddHours(2)));
        var before = store.Counters;
        await store.FlushAsync();
        var after = store.Counters;

        Assert.Equal((2, 0, 2), (before.Queued, before.Written, before.Buffered));
        Assert.Equal((2, 2, 0), (after.Queued, after.Written, after.Buffered));
    }

    [Fact]
    public async Task Windows_are_epoch_aligned_means_and_empty_windows_are_left_out()
    {
        await using var store = Open();
        store.Write(Reading("p-1", 1, Day.AddSeconds(10)));
        store.Write(Reading("p-1", 3, Day.AddSeconds(50)));
        store.Write(Reading("p-1", 5, Day.AddSeconds(70)));
        store.Write(Reading("p-1", 6, Day.AddSeconds(110)));
        store.Write(Reading("p-1", 7, Day.AddSeconds(180)));

        var samples = await store.QueryAsync(new SeriesQuery("lighting", "powerW", Pole1, Day.AddSeconds(30), Day.AddMinutes(10), TimeSpan.FromMinutes(1)));

        Assert.Equal(
            [new SeriesSample(Day, 3), new SeriesSample(Day.AddMinutes(1), 5.5), new SeriesSample(Day.AddMinutes(3), 7)],
            samples);
    }

    [Fact]
    public async Task A_window_that_is_not_positive_is_refused_by_both_stores()
    {
        await using var store = Open();
        using var http = new HttpClient();
        var influx = new InfluxQueryClient(new InfluxOptions { Url = "http://127.0.0.1:9/" }, http);
        var query = new SeriesQuery("lighting", "powerW", Pole1, Day, Day.AddDays(1), TimeSpan.Zero);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.QueryAsync(query));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => influx.QueryAsync(query));
    }

    [Fact]
    public async Task A_query_keeps_only_its_measurement_field_tags_and_half_open_range()
    {
        await using var store = Open();
        store.Write(Reading("p-1", 1, Day.AddMinutes(1)));
        store.Write(Reading("p-2", 2, Day.AddMinutes(2)));
        store.Write(PointData.Measurement("lighting2").Tag("city", "sz").Tag("pole", "p-1").Field("powerW", 3.0).Timestamp(Day.AddMinutes(3), WritePrecision.Milliseconds));
        store.Write(PointData.Measurement("lighting").Tag("city", "sz").Tag("pole", "p-1").Field("dimPct", 80L).Timestamp(Day.AddMinutes(4), WritePrecision.Milliseconds));
        store.Write(Reading("p-1", 5, Day.AddMinutes(5)));
        store.Write(Reading("p-1", 6, Day.AddMinutes(6)));

        var samples = await store.QueryAsync(new SeriesQuery("lighting", "powerW", Pole1, Day.AddMinutes(1), Day.AddMinutes(6)));

        Assert.Equal([new SeriesSample(Day.AddMinutes(1), 1), new SeriesSample(Day.AddMinutes(5), 5)], samples);
    }

    [Fact]
    public async Task A_series_that_first_appears_after_a_query_is_found_by_the_next_query()
    {
        await using var store = Open();
        store.Write(Reading("p-1", 1, Day.AddMinutes(1)));
        var pole2 = new Dictionary<string, string> { ["pole"] = "p-2" };
        var before = await store.QueryAsync(new SeriesQuery("lighting", "powerW", pole2, Day, Day.AddDays(1)));

        store.Write(Reading("p-2", 2, Day.AddMinutes(2)));
        var after = await store.QueryAsync(new SeriesQuery("lighting", "powerW", pole2, Day, Day.AddDays(1)));

        Assert.Empty(before);
        Assert.Equal([new SeriesSample(Day.AddMinutes(2), 2)], after);
    }

    [Fact]
    public async Task Lines_longer_than_a_read_chunk_are_read_whole()
    {
        await using (var store = Open())
        {
            for (var i = 0; i < 12; i++)
            {
                store.Write(Reading("p-1", i, Day.AddSeconds(i)).Field("note", new string((char)('a' + i), 150_000)));
            }

            await store.FlushAsync();
        }

        await using var reopened = Open();
        var samples = await reopened.QueryAsync(new SeriesQuery("lighting", "powerW", Pole1, Day, Day.AddDays(1)));

        Assert.Equal(Enumerable.Range(0, 12).Select(i => (double?)i), samples.Select(s => s.Value));
    }

    [Fact]
    public async Task A_point_written_again_for_the_same_series_and_time_replaces_the_first()
    {
        await using var store = Open();
        store.Write(Reading("p-1", 1, Day.AddMinutes(1)));
        await store.FlushAsync();
        store.Write(Reading("p-1", 2, Day.AddMinutes(1)));

        var samples = await store.QueryAsync(new SeriesQuery("lighting", "powerW", Pole1, Day, Day.AddDays(1)));

        Assert.Equal([new SeriesSample(Day.AddMinutes(1), 2)], samples);
    }

    [Fact]
    public async Task Integer_and_boolean_fields_read_as_numbers_and_strings_as_null()
    {
        await using var store = Open();
        var point = PointData.Measurement("cabinet").Tag("city", "sz").Tag("pole", "p-1")
            .Field("doorOpen", true).Field("count", 42L).Field("note", "x").Timestamp(Day.AddHours(1), WritePrecision.Milliseconds);
        store.Write(point);

        var door = await store.QueryAsync(new SeriesQuery("cabinet", "doorOpen", Pole1, Day, Day.AddDays(1)));
        var count = await store.QueryAsync(new SeriesQuery("cabinet", "count", Pole1, Day, Day.AddDays(1)));
        var note = await store.QueryAsync(new SeriesQuery("cabinet", "note", Pole1, Day, Day.AddDays(1)));

        Assert.Equal(1, door.Single().Value);
        Assert.Equal(42, count.Single().Value);
        Assert.Null(note.Single().Value);
    }

    [Fact]
    public async Task Points_reach_the_file_by_themselves_after_the_flush_interval()
    {
        await using var store = Open();
        store.Write(Reading("p-1", 1, Day.AddHours(1)));
        var file = Path.Combine(_dir.Path, "series", "2026-11-21.lp");

        _clock.Advance(TimeSpan.FromMilliseconds(200));

        await WaitFor.ConditionAsync(
            () => Task.FromResult(File.Exists(file) && File.ReadAllLines(file).Length == 1),
            TimeSpan.FromSeconds(10),
            () => $"{file} should hold one line");
    }

    [Fact]
    public async Task Retention_deletes_whole_days_older_than_the_days_kept()
    {
        var series = Path.Combine(_dir.Path, "series");
        Directory.CreateDirectory(series);
        await File.WriteAllTextAsync(Path.Combine(series, "2026-11-13.lp"), "lighting,pole=p-1 powerW=1 1763000000000\n");
        await File.WriteAllTextAsync(Path.Combine(series, "2026-11-14.lp"), "lighting,pole=p-1 powerW=1 1763100000000\n");

        // A long flush interval keeps the manual clock's day-long advance from firing thousands of flushes.
        await using var store = Open(TimeSpan.FromHours(1));
        var keptAtOpen = Directory.GetFiles(series).Select(Path.GetFileName).Order().ToList();

        store.Write(Reading("p-1", 1, Day.AddDays(-8)));
        _clock.Advance(TimeSpan.FromDays(1));
        await WaitFor.ConditionAsync(
            () => Task.FromResult(!File.Exists(Path.Combine(series, "2026-11-14.lp"))),
            TimeSpan.FromSeconds(10),
            () => "2026-11-14 should be deleted once 2026-11-22 is today");

        Assert.Equal(["2026-11-14.lp"], keptAtOpen);
        Assert.Equal(1, store.Counters.Dropped);
    }

    [Fact]
    public async Task A_torn_last_line_from_a_crash_is_skipped_and_later_points_start_on_a_new_line()
    {
        var series = Path.Combine(_dir.Path, "series");
        Directory.CreateDirectory(series);
        var file = Path.Combine(series, "2026-11-21.lp");
        await File.WriteAllTextAsync(file, "lighting,city=sz,device=lamp-1,pole=p-1 powerW=1 1795219260000\nlighting,city=sz,device=lamp-1,pole=p-1 powerW=");
        await using var store = Open();

        store.Write(Reading("p-1", 2, Day.AddMinutes(2)));
        var samples = await store.QueryAsync(new SeriesQuery("lighting", "powerW", Pole1, Day, Day.AddDays(1)));

        Assert.Equal([new SeriesSample(Day.AddMinutes(1), 1), new SeriesSample(Day.AddMinutes(2), 2)], samples);
        Assert.Equal(3, (await File.ReadAllLinesAsync(file)).Length);
    }

    [Fact]
    public async Task A_flush_groups_its_lines_by_series_and_indexes_one_run_per_series()
    {
        await using (var store = Open())
        {
            store.Write(Reading("p-1", 1, Day.AddMinutes(1)));
            store.Write(Reading("p-2", 2, Day.AddMinutes(1)));
            store.Write(Reading("p-1", 3, Day.AddMinutes(2)));
            await store.FlushAsync();
        }

        var lines = await File.ReadAllLinesAsync(Path.Combine(_dir.Path, "series", "2026-11-21.lp"));
        var index = await File.ReadAllLinesAsync(Path.Combine(_dir.Path, "series", "2026-11-21.idx"));

        Assert.Equal([1.0, 3.0, 2.0], lines.Select(l => double.Parse(l.Split(' ')[1]["powerW=".Length..], System.Globalization.CultureInfo.InvariantCulture)));
        var first = lines[0].Length + 1;
        Assert.Equal(
            [
                "k 0 lighting,city=sz,device=lamp-1,pole=p-1",
                "k 1 lighting,city=sz,device=lamp-1,pole=p-2",
                $"b 0 0 {2 * first}",
                $"b 1 {2 * first} {lines[2].Length + 1}",
            ],
            index);
    }

    [Fact]
    public async Task A_query_reads_only_the_indexed_runs_of_its_series()
    {
        var file = Path.Combine(_dir.Path, "series", "2026-11-21.lp");
        await using var store = Open();
        store.Write(Reading("p-1", 1, Day.AddMinutes(1)));
        store.Write(Reading("p-2", 2, Day.AddMinutes(2)));
        await store.FlushAsync();

        // Rewrite p-2's line in place as a p-1 line of the same length: a scan of the whole file would find it.
        var text = await File.ReadAllTextAsync(file);
        await File.WriteAllTextAsync(file, text.Replace("pole=p-2 powerW=2", "pole=p-1 powerW=9", StringComparison.Ordinal));
        var samples = await store.QueryAsync(new SeriesQuery("lighting", "powerW", Pole1, Day, Day.AddDays(1)));

        Assert.Equal([new SeriesSample(Day.AddMinutes(1), 1)], samples);
    }

    [Fact]
    public async Task A_missing_or_stale_index_is_rebuilt_from_the_day_file()
    {
        var series = Path.Combine(_dir.Path, "series");
        await using (var store = Open())
        {
            store.Write(Reading("p-1", 1, Day.AddMinutes(1)));
            await store.FlushAsync();
        }

        // Lines appended behind the index's back (a crash between the two appends), and a torn index record.
        await File.AppendAllTextAsync(Path.Combine(series, "2026-11-21.lp"), "lighting,city=sz,device=lamp-1,pole=p-1 powerW=2 1795219320000\n");
        await File.AppendAllTextAsync(Path.Combine(series, "2026-11-21.idx"), "b 0 99999 12");
        await File.WriteAllTextAsync(Path.Combine(series, "2026-11-20.lp"), "lighting,city=sz,device=lamp-1,pole=p-1 powerW=0 1795219200000\n".Replace("1795219200000", "1795132800000", StringComparison.Ordinal));
        await using var reopened = Open();

        var samples = await reopened.QueryAsync(new SeriesQuery("lighting", "powerW", Pole1, Day.AddDays(-1), Day.AddDays(1)));
        reopened.Write(Reading("p-1", 3, Day.AddMinutes(3)));
        var after = await reopened.QueryAsync(new SeriesQuery("lighting", "powerW", Pole1, Day, Day.AddDays(1)));

        Assert.Equal([0.0, 1.0, 2.0], samples.Select(s => s.Value!.Value));
        Assert.Equal([1.0, 2.0, 3.0], after.Select(s => s.Value!.Value));
        Assert.True(File.Exists(Path.Combine(series, "2026-11-20.idx")));
        Assert.DoesNotContain("b 0 99999 12", await File.ReadAllTextAsync(Path.Combine(series, "2026-11-21.idx")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_field_is_found_behind_string_fields_holding_delimiters_and_with_an_escaped_name()
    {
        await using var store = Open();
        store.Write(PointData.Measurement("cabinet").Tag("city", "sz").Tag("pole", "p-1")
            .Field("a note", "x, b=1 \"q\" \\").Field("b=c, d", 4.5).Field("c", "y=2,z").Field("d", 7L).Timestamp(Day.AddHours(1), WritePrecision.Milliseconds));

        var escaped = await store.QueryAsync(new SeriesQuery("cabinet", "b=c, d", Pole1, Day, Day.AddDays(1)));
        var last = await store.QueryAsync(new SeriesQuery("cabinet", "d", Pole1, Day, Day.AddDays(1)));
        var missing = await store.QueryAsync(new SeriesQuery("cabinet", "b", Pole1, Day, Day.AddDays(1)));

        Assert.Equal([new SeriesSample(Day.AddHours(1), 4.5)], escaped);
        Assert.Equal([new SeriesSample(Day.AddHours(1), 7)], last);
        Assert.Empty(missing);
    }

    [Fact]
    public async Task A_finished_day_is_compacted_to_one_run_per_series_and_queries_answer_as_before()
    {
        var series = Path.Combine(_dir.Path, "series");
        var index = Path.Combine(series, "2026-11-21.idx");
        var poles = new Dictionary<string, string>();
        SeriesQuery[] queries =
        [
            new("lighting", "powerW", Pole1, Day, Day.AddDays(1)),
            new("lighting", "powerW", new Dictionary<string, string> { ["pole"] = "p-2" }, Day, Day.AddDays(1), TimeSpan.FromMinutes(7)),
            new("lighting", "powerW", poles, Day.AddHours(1), Day.AddHours(3), TimeSpan.FromMinutes(10)) { Aggregate = SeriesAggregate.Max },
        ];
        await using var store = Open(TimeSpan.FromHours(1));
        for (var flush = 0; flush < 20; flush++)
        {
            foreach (var pole in new[] { "p-1", "p-2", "p-3" })
            {
                store.Write(Reading(pole, flush + (pole[^1] - '0'), Day.AddMinutes(10 * flush)));
            }

            // The same series and time written again: the later value must still win once the lines are regrouped.
            store.Write(Reading("p-2", 100 + flush, Day.AddMinutes(10 * flush)));
            await store.FlushAsync();
        }

        var before = await Task.WhenAll(queries.Select(q => store.QueryAsync(q)));
        var recordsBefore = (await File.ReadAllLinesAsync(index)).Count(l => l.StartsWith("b ", StringComparison.Ordinal));
        var linesBefore = (await File.ReadAllLinesAsync(Path.Combine(series, "2026-11-21.lp"))).Order(StringComparer.Ordinal).ToList();

        // 2026-11-21 is finished once 2026-11-22 is today; the sweep runs every 10 minutes.
        _clock.Advance(TimeSpan.FromHours(12));
        await WaitFor.ConditionAsync(
            async () => (await File.ReadAllLinesAsync(index)).Count(l => l.StartsWith("b ", StringComparison.Ordinal)) == 3,
            TimeSpan.FromSeconds(10),
            () => $"the index of a finished day should hold one run per series: {File.ReadAllText(index)}");
        var linesAfter = (await File.ReadAllLinesAsync(Path.Combine(series, "2026-11-21.lp"))).Order(StringComparer.Ordinal).ToList();
        var after = await Task.WhenAll(queries.Select(q => store.QueryAsync(q)));
        store.Write(Reading("p-1", 999, Day.AddHours(23)));
        var late = await store.QueryAsync(queries[0]);

        Assert.Equal(60, recordsBefore);
        Assert.Equal(linesBefore, linesAfter);
        Assert.Equal(before.Select(b => b.ToList()), after.Select(a => a.ToList()));
        Assert.Equal(Enumerable.Range(0, 20).Select(f => 100.0 + f), before[1].Select(s => s.Value!.Value));
        Assert.Equal([.. before[0], new SeriesSample(Day.AddHours(23), 999)], late);
        Assert.Empty(Directory.GetFiles(series, "*.compacting"));
    }

    [Fact]
    public async Task A_compacted_day_reopens_with_the_same_answers_and_an_interrupted_compaction_leaves_nothing_behind()
    {
        var series = Path.Combine(_dir.Path, "series");
        var query = new SeriesQuery("lighting", "powerW", new Dictionary<string, string>(), Day, Day.AddDays(1), TimeSpan.FromMinutes(30)) { Aggregate = SeriesAggregate.Sum };
        IReadOnlyList<SeriesSample> before;
        await using (var store = Open(TimeSpan.FromHours(1)))
        {
            for (var flush = 0; flush < 10; flush++)
            {
                store.Write(Reading("p-1", flush, Day.AddMinutes(5 * flush)));
                store.Write(Reading("p-2", 2 * flush, Day.AddMinutes(5 * flush)));
                await store.FlushAsync();
            }

            before = await store.QueryAsync(query);
            _clock.Advance(TimeSpan.FromDays(1));
            await store.CompactFinishedDaysAsync(CancellationToken.None);
        }

        // What a crash in the middle of a later compaction would leave beside the day.
        await File.WriteAllTextAsync(Path.Combine(series, "2026-11-21.lp.compacting"), "half a file");
        await using var reopened = Open(TimeSpan.FromHours(1));
        var after = await reopened.QueryAsync(query);

        Assert.Equal(["b 0 ", "b 1 "], (await File.ReadAllLinesAsync(Path.Combine(series, "2026-11-21.idx"))).Where(l => l.StartsWith("b ", StringComparison.Ordinal)).Select(l => l[..4]));
        Assert.Equal(before, after);
        Assert.Equal(2, after.Count);
        Assert.Empty(Directory.GetFiles(series, "*.compacting"));
    }

    private EmbeddedSeriesStore Open(TimeSpan? flushInterval = null) =>
        new(new EmbeddedSeriesOptions { DataDirectory = _dir.Path, FlushInterval = flushInterval ?? TimeSpan.FromMilliseconds(200) }, timeProvider: _clock);

    private static PointData Reading(string pole, double powerW, DateTimeOffset at) =>
        PointData.Measurement("lighting").Tag("city", "sz").Tag("pole", pole).Tag("device", "lamp-1")
            .Field("powerW", powerW).Timestamp(at, WritePrecision.Milliseconds);
}
