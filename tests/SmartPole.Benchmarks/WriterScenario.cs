using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using SmartPole.Telemetry;
using SmartPole.Testing;

namespace SmartPole.Benchmarks;

/// <summary>
/// Our InfluxDB writer against curl posting the same pre-built 5,000-line batches to the same influxd in the
/// same run; the embedded store's write rate; and the time of a 24 h history query of one metric of one pole,
/// on the embedded store and on influxd.
/// </summary>
internal sealed class WriterScenario : IScenario
{
    private const string Scenario = "writer";
    private const int BatchLines = 5000;
    private const int Poles = 1000;
    private const int HistoryPoles = 50;
    private static readonly TimeSpan HistoryInterval = TimeSpan.FromSeconds(10);
    private static readonly string[] EnvironmentFields = ["pm25", "pm10", "no2", "tempC", "humidityPct", "noiseDb", "windMs", "pressureHpa"];

    public string Name => Scenario;

    public async Task RunAsync(BenchmarkSettings settings, Report report, CancellationToken ct)
    {
        await using var influx = await InfluxServer.StartAsync();
        using var files = new TempDirectory("bench-writer");
        // Two batches per second of run window: a few seconds per method at influxd's pace on two shared cores.
        var batches = Math.Max(6, (int)Math.Round(settings.Seconds * 2));
        var now = DateTimeOffset.UtcNow;
        var points = BuildPoints(batches * BatchLines, now - TimeSpan.FromHours(2));
        var (plain, gzip) = await WriteBatchFilesAsync(points, batches, files.Path);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var total = points.Length;
        var lineBytes = new FileInfo(plain[0]).Length / (double)BatchLines;
        var conditions = string.Create(CultureInfo.InvariantCulture,
            $"{batches} batches × {BatchLines:N0} lines (8 float fields, 3 tags, ms, ~{lineBytes:0} B/line); ≤ 2 requests in flight; influxd 1.6 default WAL (fsync per write)");

        // Warm-up: the first batches would otherwise pay for JIT compilation of the formatting, gzip and HTTP paths.
        await OurWriterAsync(influx, "writer_warmup", points[..(2 * BatchLines)], gzip: true, files.Path, http, report, ct);
        await OurWriterAsync(influx, "writer_warmup_plain", points[..(2 * BatchLines)], gzip: false, files.Path, http, report, ct);

        for (var run = 1; run <= settings.Runs; run++)
        {
            Console.WriteLine($"writer: run {run}/{settings.Runs}");
            var curlPlain = await CurlAsync(influx, $"curl_plain_{run}", plain, gzip: false, ct);
            report.Record(Scenario, "5,000-line batches into influxd", "curl (plain)", "lines/s", "lines/s", total / curlPlain, conditions);
            await ExpectCountAsync(influx, $"curl_plain_{run}", total, report, "curl (plain)");

            var curlGzip = await CurlAsync(influx, $"curl_gzip_{run}", gzip, gzip: true, ct);
            report.Record(Scenario, "5,000-line batches into influxd", "curl (gzip)", "lines/s", "lines/s", total / curlGzip, conditions);
            await ExpectCountAsync(influx, $"curl_gzip_{run}", total, report, "curl (gzip)");

            foreach (var useGzip in new[] { true, false })
            {
                var subject = useGzip ? "InfluxWriter (gzip fastest, default)" : "InfluxWriter (plain)";
                var db = $"writer_{(useGzip ? "gzip" : "plain")}_{run}";
                var (seconds, cpu) = await OurWriterAsync(influx, db, points, useGzip, files.Path, http, report, ct);
                report.Record(Scenario, "5,000-line batches into influxd", subject, "lines/s", "lines/s", total / seconds, conditions);
                report.Record(Scenario, "5,000-line batches into influxd", subject, "CPU of this process per 50,000 lines/s", "cores", cpu / total * 50_000, conditions + "; CPU = writer's formatting, gzip and HTTP in this process");
                report.Record(Scenario, "5,000-line batches into influxd", subject + " ÷ curl (" + (useGzip ? "gzip" : "plain") + ")", "lines/s ratio", "×", (useGzip ? curlGzip : curlPlain) / seconds, "same run, same influxd");
                await ExpectCountAsync(influx, db, total, report, subject);
            }

            await EmbeddedAndHistoryAsync(influx, now, run, report, http, files.Path, ct);
            RecordPointBuilding(now, report);
            await BufferedMemoryAsync(files.Path, run, report, ct);
        }
    }

    /// <summary>What one environment reading costs to build (3 tags, 8 fields): the immutable chain vs <see cref="PointDataBuilder"/>.</summary>
    private static void RecordPointBuilding(DateTimeOffset now, Report report)
    {
        const int count = 200_000;
        var values = Enumerable.Range(0, 64).Select(i => i * 1.25).ToArray();
        var poles = Enumerable.Range(0, 64).Select(i => $"p-{i:D4}").ToArray();
        var sink = 0;
        var chain = Measure(i =>
        {
            var point = PointData.Measurement("environment").Tag("city", "bench").Tag("pole", poles[i & 63]).Tag("device", "env-1");
            foreach (var field in EnvironmentFields)
            {
                point = point.Field(field, values[i & 63]);
            }

            sink += point.Timestamp(now, WritePrecision.Milliseconds).HasFields ? 1 : 0;
        });
        var builder = new PointDataBuilder("environment", 3, EnvironmentFields.Length);
        var built = Measure(i =>
        {
            builder.Reset("environment").Tag("city", "bench").Tag("pole", poles[i & 63]).Tag("device", "env-1");
            foreach (var field in EnvironmentFields)
            {
                builder.Field(field, values[i & 63]);
            }

            sink += builder.ToPoint(now).HasFields ? 1 : 0;
        });

        const string conditions = "one environment reading: 3 tags, 8 float fields; one thread, 200,000 points after as many for warm-up";
        foreach (var (subject, (ns, bytes)) in new[] { ("PointData chain (Measurement().Tag()…Field()…)", chain), ("PointDataBuilder (reused, ToPoint)", built) })
        {
            report.Record(Scenario, "building a point", subject, "time per point", "ns", ns, conditions);
            report.Record(Scenario, "building a point", subject, "allocated per point", "B", bytes, conditions);
        }

        if (sink != 4 * count)
        {
            report.Note(Scenario, $"point building: {sink} of {4 * count} points had fields");
        }

        static (double Ns, double Bytes) Measure(Action<int> build)
        {
            for (var i = 0; i < count; i++)
            {
                build(i);
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                build(i);
            }

            var ns = clock.Elapsed.TotalNanoseconds / count;
            return (ns, (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)count);
        }
    }

    /// <summary>
    /// Managed heap held by 1,000,000 points buffered in the writer: a server that holds every write request
    /// unanswered keeps them all in memory (the bound raised above them), measured after a forced full collection.
    /// </summary>
    private static async Task BufferedMemoryAsync(string dir, int run, Report report, CancellationToken ct)
    {
        const int count = 1_000_000;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = ScriptedHttpServer.Start(async _ =>
        {
            await release.Task;
            return ScriptedResponse.NoContent;
        });
        using var http = new HttpClient();
        var options = new InfluxOptions
        {
            Url = server.Url.ToString(),
            Database = "memory",
            MaxBufferedPoints = count + 1,
            RequestTimeout = TimeSpan.FromMinutes(5),
            SpillDirectory = Path.Combine(dir, $"spill-memory-{run}"),
        };
        var start = DateTimeOffset.UtcNow - TimeSpan.FromHours(1);
        var random = new Random(run);
        var before = HeapAfterFullCollection();
        await using (var writer = new InfluxWriter(options, http))
        {
            for (var i = 0; i < count; i++)
            {
                writer.Write(EnvironmentPoint($"p-{i % Poles:D4}", start + TimeSpan.FromSeconds(i / Poles), random));
            }

            var held = HeapAfterFullCollection() - before;
            var buffered = writer.Counters.Buffered;
            release.TrySetResult();
            await writer.FlushAsync(ct);
            const string conditions = "environment lines (3 tags, 8 float fields, ~167 B of line protocol each); the server holds every request unanswered; managed heap after a forced full collection, minus before";
            report.Record(Scenario, "1,000,000 buffered points", "InfluxWriter", "managed heap", "MB", held / 1e6, conditions);
            report.Record(Scenario, "1,000,000 buffered points", "InfluxWriter", "per buffered point", "B", held / (double)count, conditions);
            if (buffered != count || writer.Counters.Written != count)
            {
                report.Note(Scenario, $"buffered memory: {buffered} of {count} points were in memory; {writer.Counters.Written} written afterwards");
            }
        }

        static long HeapAfterFullCollection()
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            return GC.GetTotalMemory(forceFullCollection: true);
        }
    }

    private static PointData[] BuildPoints(int count, DateTimeOffset start)
    {
        var points = new PointData[count];
        var random = new Random(42);
        for (var k = 0; k < count; k++)
        {
            // One frame per pole per second: every (pole, time) is a distinct point, so influxd's count must equal the lines sent.
            points[k] = EnvironmentPoint($"p-{k % Poles:D4}", start + TimeSpan.FromSeconds(k / Poles), random);
        }

        return points;
    }

    private static PointData EnvironmentPoint(string pole, DateTimeOffset time, Random random)
    {
        var point = PointData.Measurement("environment").Tag("city", "bench").Tag("pole", pole).Tag("device", "env-1");
        foreach (var field in EnvironmentFields)
        {
            point = point.Field(field, Math.Round(random.NextDouble() * 100, 2));
        }

        return point.Timestamp(time, WritePrecision.Milliseconds);
    }

    private static async Task<(string[] Plain, string[] Gzip)> WriteBatchFilesAsync(PointData[] points, int batches, string dir)
    {
        var plain = new string[batches];
        var gzip = new string[batches];
        for (var b = 0; b < batches; b++)
        {
            var text = new StringBuilder();
            for (var i = b * BatchLines; i < (b + 1) * BatchLines; i++)
            {
                points[i].WriteLineProtocol(text);
                text.Append('\n');
            }

            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            plain[b] = Path.Combine(dir, $"batch-{b:D3}.lp");
            gzip[b] = plain[b] + ".gz";
            await File.WriteAllBytesAsync(plain[b], bytes);
            await using var file = File.Create(gzip[b]);
            await using var zip = new GZipStream(file, CompressionLevel.Fastest);
            await zip.WriteAsync(bytes);
        }

        return (plain, gzip);
    }

    /// <summary>One curl process posting every batch, two transfers at a time over kept-alive connections; seconds taken.</summary>
    private static async Task<double> CurlAsync(InfluxServer influx, string db, string[] batches, bool gzip, CancellationToken ct)
    {
        await influx.CreateDatabaseAsync(db);
        var url = new Uri(influx.Url, $"write?db={db}&precision=ms").ToString();
        var arguments = new List<string> { "--parallel", "--parallel-max", "2" };
        for (var b = 0; b < batches.Length; b++)
        {
            if (b > 0)
            {
                arguments.Add("--next");
            }

            arguments.AddRange(["-sS", "--fail", "-o", "/dev/null", "-H", "Content-Type: text/plain; charset=utf-8"]);
            if (gzip)
            {
                arguments.AddRange(["-H", "Content-Encoding: gzip"]);
            }

            arguments.AddRange(["--data-binary", "@" + batches[b], url]);
        }

        var clock = Stopwatch.StartNew();
        await using var curl = ManagedProcess.Start("curl", arguments);
        var code = await curl.WaitForExitAsync(TimeSpan.FromMinutes(5));
        var seconds = clock.Elapsed.TotalSeconds;
        if (code != 0)
        {
            throw new InvalidOperationException($"curl exited with {code}: {curl.Output}");
        }

        _ = ct;
        return seconds;
    }

    private static async Task<(double Seconds, double CpuSeconds)> OurWriterAsync(
        InfluxServer influx, string db, PointData[] points, bool gzip, string dir, HttpClient http, Report report, CancellationToken ct)
    {
        var options = new InfluxOptions
        {
            Url = influx.Url.ToString(),
            Database = db,
            Gzip = gzip,
            // Room for the whole burst: the default (200,000) would spill the rest to disk, which curl's side never does.
            MaxBufferedPoints = points.Length + 1,
            SpillDirectory = Path.Combine(dir, "spill-" + db),
        };
        await using var writer = new InfluxWriter(options, http);
        await writer.EnsureDatabaseAsync(ct);
        var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        foreach (var point in points)
        {
            writer.Write(point);
        }

        await writer.FlushAsync(ct);
        var seconds = clock.Elapsed.TotalSeconds;
        self.Refresh();
        var cpu = (self.TotalProcessorTime - cpuBefore).TotalSeconds;
        var counters = writer.Counters;
        if (counters.Written != points.Length || counters.Spilled + counters.DeadLettered + counters.Dropped > 0)
        {
            report.Note(Scenario, $"{db}: written {counters.Written} of {points.Length}, spilled {counters.Spilled}, dead-lettered {counters.DeadLettered}, dropped {counters.Dropped}, retried {counters.Retried}");
        }

        return (seconds, cpu);
    }

    private static async Task ExpectCountAsync(InfluxServer influx, string db, long expected, Report report, string subject)
    {
        var count = await influx.CountAsync(db, "environment", "pm25");
        if (count != expected)
        {
            report.Note(Scenario, $"{subject}: influxd holds {count:N0} points of {expected:N0} in {db}");
        }
    }

    private static async Task EmbeddedAndHistoryAsync(InfluxServer influx, DateTimeOffset now, int run, Report report, HttpClient http, string dir, CancellationToken ct)
    {
        // 24 h of one frame every 10 s for 50 poles, ending now (inside the embedded store's retention).
        var slots = (int)(TimeSpan.FromHours(24) / HistoryInterval);
        var from = now - TimeSpan.FromHours(24);
        var random = new Random(run);
        var points = new PointData[slots * HistoryPoles];
        for (var s = 0; s < slots; s++)
        {
            for (var p = 0; p < HistoryPoles; p++)
            {
                points[(s * HistoryPoles) + p] = EnvironmentPoint($"h-{p:D2}", from + (HistoryInterval * s), random);
            }
        }

        var conditions = string.Create(CultureInfo.InvariantCulture, $"{points.Length:N0} lines × 8 fields = 24 h of {HistoryPoles} poles at 10 s; store flush every 200 ms with fsync");
        using var storeDir = new TempDirectory("bench-embedded");
        await using (var store = new EmbeddedSeriesStore(new EmbeddedSeriesOptions { DataDirectory = storeDir.Path }))
        {
            var clock = Stopwatch.StartNew();
            foreach (var point in points)
            {
                store.Write(point);
            }

            await store.FlushAsync(ct);
            var seconds = clock.Elapsed.TotalSeconds;
            report.Record(Scenario, "embedded store write", "EmbeddedSeriesStore", "lines/s", "lines/s", points.Length / seconds, conditions);
            report.Record(Scenario, "embedded store write", "EmbeddedSeriesStore", "data points/s", "values/s", points.Length * EnvironmentFields.Length / seconds, conditions);

            await QueryTimesAsync(store, "EmbeddedSeriesStore", from, now, report, conditions, ct);
        }

        var options = new InfluxOptions { Url = influx.Url.ToString(), Database = $"history_{run}", MaxBufferedPoints = points.Length + 1, SpillDirectory = Path.Combine(dir, $"spill-history-{run}") };
        await using (var writer = new InfluxWriter(options, http))
        {
            await writer.EnsureDatabaseAsync(ct);
            foreach (var point in points)
            {
                writer.Write(point);
            }

            await writer.FlushAsync(ct);
        }

        await QueryTimesAsync(new InfluxQueryClient(options, http), "influxd 1.6 via InfluxQueryClient", from, now, report, conditions, ct);
    }

    private static async Task QueryTimesAsync(ITimeSeriesReader reader, string subject, DateTimeOffset from, DateTimeOffset to, Report report, string conditions, CancellationToken ct)
    {
        var query = new SeriesQuery("environment", "pm25", new Dictionary<string, string> { ["pole"] = "h-07", ["device"] = "env-1" }, from, to, TimeSpan.FromMinutes(1));
        var clock = Stopwatch.StartNew();
        var first = await reader.QueryAsync(query, ct);
        var cold = clock.Elapsed.TotalMilliseconds;
        var warm = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            clock.Restart();
            await reader.QueryAsync(query, ct);
            warm.Add(clock.Elapsed.TotalMilliseconds);
        }

        const string label = "24 h of one metric of one pole, 1-min mean windows";
        report.Record(Scenario, label, subject, "first query", "ms", cold, conditions);
        report.Record(Scenario, label, subject, "repeated query (median of 5)", "ms", Figure.Percentile(warm, 0.5), conditions);
        if (first.Count < 1400)
        {
            report.Note(Scenario, $"{subject}: the 24 h query returned {first.Count} windows (1,440 expected, ±1)");
        }
    }
}
