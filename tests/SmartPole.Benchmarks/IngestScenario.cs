using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using SmartPole.Domain;
using SmartPole.Simulation;
using SmartPole.Telemetry;
using SmartPole.Testing;

namespace SmartPole.Benchmarks;

/// <summary>
/// End to end: the simulator publishes at QoS 1 as fast as the server acknowledges into the server's
/// embedded broker; the server writes to a real influxd. Frames/s, lines/s and data points/s, with the
/// stored data points counted in influxd (zero loss). In the same run, influxd's own bulk-load rate of lines
/// of the same shape posted directly.
/// </summary>
internal sealed class IngestScenario : IScenario
{
    private const string Scenario = "ingest";
    private const int Poles = 1000;
    private const int PolesPerConnection = 10;
    private const string City = "bench";

    public string Name => Scenario;

    public async Task RunAsync(BenchmarkSettings settings, Report report, CancellationToken ct)
    {
        var simulator = RepoPaths.BuiltDll("simulators", "SmartPole.Simulator");
        await using var influx = await InfluxServer.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var conditions = string.Create(CultureInfo.InvariantCulture,
            $"simulator --qos 1 --interval 0 (uncapped), {Poles:N0} poles, {PolesPerConnection} poles per connection, {settings.Seconds:0.#} s; server: embedded broker, InfluxWriter defaults (5,000 lines / 1 s, gzip); PUBACK once the frame is queued to its pole actor (no ingest log yet)");
        for (var run = 1; run <= settings.Runs; run++)
        {
            Console.WriteLine($"ingest: run {run}/{settings.Runs}");
            var db = $"ingest_{run}";
            using var work = new TempDirectory("bench-ingest");
            // The server does not create its database (influxd 1.x then answers 404 and every point is spilled): create it first.
            await influx.CreateDatabaseAsync(db);
            await using var server = await ServerProcess.StartAsync($"--Influx:Url={influx.Url}", $"--Influx:Database={db}", "--Logging:LogLevel:Default=Warning");
            var summaryFile = Path.Combine(work.Path, "summary.json");
            var serverCpuBefore = ProcessStats.CpuSeconds(server.ProcessId);
            var clock = Stopwatch.StartNew();
            await using (var sim = ManagedProcess.Start("dotnet",
            [
                simulator, "--broker", server.MqttUrl.ToString(), "--city", City, "--poles", Poles.ToString(CultureInfo.InvariantCulture),
                "--poles-per-connection", PolesPerConnection.ToString(CultureInfo.InvariantCulture), "--interval", "0", "--qos", "1",
                "--duration", string.Create(CultureInfo.InvariantCulture, $"{settings.Seconds}s"), "--seed", run.ToString(CultureInfo.InvariantCulture),
                "--summary", summaryFile,
            ]))
            {
                var code = await sim.WaitForExitAsync(TimeSpan.FromSeconds(settings.Seconds + 120));
                if (code != 0)
                {
                    report.Note(Scenario, $"run {run}: the simulator exited with {code}: {string.Join(" | ", sim.Lines.TakeLast(3))}");
                }
            }

            using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryFile, ct));
            var s = summary.RootElement;
            var framesAcked = s.GetProperty("framesAcked").GetInt64();
            var framesSent = s.GetProperty("framesSent").GetInt64();
            var lines = s.GetProperty("lines").GetInt64();
            var dataPoints = s.GetProperty("dataPoints").GetInt64();
            var simSeconds = s.GetProperty("elapsedSeconds").GetDouble();

            // Stored = every data point the simulator sent is in influxd; wait while the count still grows.
            var (storedPoints, storedLines) = (0L, 0L);
            var lastGrowth = Stopwatch.StartNew();
            var allStoredAt = double.NaN;
            while (lastGrowth.Elapsed < TimeSpan.FromSeconds(15))
            {
                var (points, l) = await CountStoredAsync(influx, db);
                if (points > storedPoints)
                {
                    (storedPoints, storedLines) = (points, l);
                    lastGrowth.Restart();
                }

                if (storedPoints >= dataPoints)
                {
                    allStoredAt = clock.Elapsed.TotalSeconds;
                    break;
                }

                await Task.Delay(250, ct);
            }

            var endToEnd = double.IsNaN(allStoredAt) ? clock.Elapsed.TotalSeconds : allStoredAt;

            // CPU time per frame does not depend on what else the machine runs, as rates on a shared machine do.
            var serverCpu = ProcessStats.CpuSeconds(server.ProcessId) - serverCpuBefore;
            report.Record(Scenario, "simulator → server → influxd", "SmartPole server", "frames/s acknowledged (simulator)", "frames/s", framesAcked / simSeconds, conditions);
            report.Record(Scenario, "simulator → server → influxd", "SmartPole server", "frames/s stored end to end", "frames/s", framesAcked / endToEnd, conditions + "; until the last data point is in influxd");
            report.Record(Scenario, "simulator → server → influxd", "SmartPole server", "lines/s stored end to end", "lines/s", storedLines / endToEnd, conditions);
            report.Record(Scenario, "simulator → server → influxd", "SmartPole server", "data points/s stored end to end", "values/s", storedPoints / endToEnd, conditions);
            report.Record(Scenario, "simulator → server → influxd", "SmartPole server", "data points lost", "values", dataPoints - storedPoints, "data points the simulator sent minus COUNT(*) in influxd");
            report.Record(Scenario, "simulator → server → influxd", "SmartPole server", "server CPU per frame", "µs", framesAcked > 0 ? serverCpu / framesAcked * 1e6 : double.NaN,
                "server user + system CPU time from the simulator's start until the last data point is in influxd, divided by the frames acknowledged");
            if (framesSent != framesAcked || storedPoints != dataPoints || storedLines != lines)
            {
                report.Note(Scenario, $"run {run}: frames sent {framesSent:N0}, acked {framesAcked:N0}; lines sent {lines:N0}, stored {storedLines:N0}; data points sent {dataPoints:N0}, stored {storedPoints:N0}");
                var complaints = server.Output.Split('\n').Where(l => l.Contains("warn", StringComparison.OrdinalIgnoreCase) || l.Contains("fail", StringComparison.OrdinalIgnoreCase)).Take(3).ToArray();
                if (complaints.Length > 0)
                {
                    report.Note(Scenario, $"run {run}: the server logged: {string.Join(" | ", complaints)}");
                }
            }

            var bulk = await BulkLoadAsync(influx, http, $"bulk_{run}", framesAcked, run, ct);
            report.Record(Scenario, "same line shape posted directly", "influxd bulk load", "lines/s", "lines/s", bulk.LinesPerSecond, $"{bulk.Lines:N0} lines in 5,000-line plain batches, 2 requests in flight (HttpClient)");
            report.Record(Scenario, "same line shape posted directly", "influxd bulk load", "data points/s", "values/s", bulk.PointsPerSecond, $"{bulk.Points:N0} data points");
            report.Record(Scenario, "ingest ÷ bulk load", "SmartPole server ÷ influxd", "lines/s ratio", "×", storedLines / endToEnd / bulk.LinesPerSecond, "same run, same influxd");
        }
    }

    /// <summary>Data points (sum of every field's COUNT) and lines (per measurement, the largest field COUNT) in <paramref name="db"/>.</summary>
    private static async Task<(long Points, long Lines)> CountStoredAsync(InfluxServer influx, string db)
    {
        using var doc = await influx.QueryAsync("SELECT COUNT(*) FROM /.*/", db);
        var result = doc.RootElement.GetProperty("results")[0];
        if (!result.TryGetProperty("series", out var series))
        {
            return (0, 0);
        }

        var (points, lines) = (0L, 0L);
        foreach (var measurement in series.EnumerateArray())
        {
            var row = measurement.GetProperty("values")[0];
            var max = 0L;
            for (var i = 1; i < row.GetArrayLength(); i++)
            {
                if (row[i].ValueKind == JsonValueKind.Number)
                {
                    var n = row[i].GetInt64();
                    points += n;
                    max = Math.Max(max, n);
                }
            }

            lines += max;
        }

        return (points, lines);
    }

    private static async Task<(long Lines, long Points, double LinesPerSecond, double PointsPerSecond)> BulkLoadAsync(
        InfluxServer influx, HttpClient http, string db, long frames, int seed, CancellationToken ct)
    {
        // Lines as the server writes them (PoleActor: measurement = kind, tags city/pole/device/district, ms), from the simulator's own models.
        var city = GeneratedCity.Create(City, Poles, seed);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(city.TimeZone);
        var models = city.Poles.Select(p => new PoleModel(city.Id, p, zone, seed)).ToArray();
        var start = DateTimeOffset.UtcNow - TimeSpan.FromHours(1);
        var batches = new List<byte[]>();
        var text = new StringBuilder();
        var (lines, points, inBatch) = (0L, 0L, 0);
        for (var f = 0L; f < frames; f++)
        {
            var model = models[f % models.Length];
            var time = start + TimeSpan.FromMilliseconds(f / models.Length * 10);
            var frame = model.NextFrame(time, time);
            foreach (var reading in frame.Devices)
            {
                var point = PointData.Measurement(MetricCatalog.WireName(reading.Kind))
                    .Tag("city", city.Id).Tag("pole", model.Pole.Id).Tag("device", reading.DeviceId).Tag("district", model.Pole.District);
                foreach (var metric in reading.Metrics)
                {
                    point = metric.Value.Type switch
                    {
                        MetricType.Boolean => point.Field(metric.Name, metric.Value.AsBoolean()),
                        MetricType.Integer => point.Field(metric.Name, metric.Value.AsInteger()),
                        _ => point.Field(metric.Name, metric.Value.AsDouble()),
                    };
                    points++;
                }

                if (!point.HasFields)
                {
                    continue;
                }

                point.Timestamp(frame.Timestamp, WritePrecision.Milliseconds).WriteLineProtocol(text);
                text.Append('\n');
                lines++;
                if (++inBatch == 5000)
                {
                    batches.Add(Encoding.UTF8.GetBytes(text.ToString()));
                    text.Clear();
                    inBatch = 0;
                }
            }
        }

        if (inBatch > 0)
        {
            batches.Add(Encoding.UTF8.GetBytes(text.ToString()));
        }

        await influx.CreateDatabaseAsync(db);
        var url = new Uri(influx.Url, $"write?db={db}&precision=ms");
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches.Count)
            {
                using var content = new ByteArrayContent(batches[b]);
                using var response = await http.PostAsync(url, content, ct);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"influxd refused a bulk batch: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
                }
            }
        }, ct)));
        var seconds = clock.Elapsed.TotalSeconds;
        return (lines, points, lines / seconds, points / seconds);
    }
}
