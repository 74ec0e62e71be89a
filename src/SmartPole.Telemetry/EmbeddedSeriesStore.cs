using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Microsoft.Extensions.Logging.Abstractions;

namespace SmartPole.Telemetry;

/// <summary>
/// A time-series store on local disk: every point is one line of InfluxDB line protocol (millisecond
/// timestamps) appended to <c>{DataDirectory}/series/yyyy-MM-dd.lp</c>, the file of its UTC day. Lines wait in
/// memory at most <see cref="EmbeddedSeriesOptions.FlushInterval"/> and are then appended and synced; reopening
/// the folder keeps everything. Retention deletes whole day files. A query reads only the days it spans, and in
/// them only the lines of the series that match it (each day's series keys are kept in memory).
/// </summary>
public sealed partial class EmbeddedSeriesStore : ITimeSeriesWriter, ITimeSeriesReader
{
    private const string FileExtension = ".lp";
    private const string IndexExtension = ".idx";
    private static readonly TimeSpan RetentionSweepInterval = TimeSpan.FromMinutes(10);

    private readonly EmbeddedSeriesOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _seriesDirectory;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _io = new(1, 1);
    private readonly Dictionary<DateOnly, FileStream> _files = [];
    private readonly Dictionary<DateOnly, DayIndex> _indexes = [];
    private readonly ConcurrentDictionary<string, ParsedLine?> _parsedKeys = new(StringComparer.Ordinal);
    private readonly ITimer _flushTimer;
    private readonly ITimer _retentionTimer;
    private Dictionary<DateOnly, PendingDay> _pending = [];
    private long _queued;
    private long _written;
    private long _dropped;
    private long _buffered;
    private bool _disposed;

    /// <summary>Opens (or creates) the store in <see cref="EmbeddedSeriesOptions.DataDirectory"/> and starts its flush and retention timers.</summary>
    public EmbeddedSeriesStore(EmbeddedSeriesOptions options, ILogger<EmbeddedSeriesStore>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RetentionDays, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.FlushInterval, TimeSpan.Zero);
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _seriesDirectory = Path.Combine(options.DataDirectory, "series");
        Directory.CreateDirectory(_seriesDirectory);
        foreach (var leftover in Directory.EnumerateFiles(_seriesDirectory, "*" + DayIndex.CompactingExtension))
        {
            // A compaction cut short by a crash: the day file and index it was replacing are still whole.
            File.Delete(leftover);
        }

        EnforceRetention();
        _flushTimer = _time.CreateTimer(_ => OnFlushTimer(), null, options.FlushInterval, options.FlushInterval);
        _retentionTimer = _time.CreateTimer(_ => OnRetentionTimer(), null, RetentionSweepInterval, RetentionSweepInterval);
    }

    /// <summary>The folder holding the day files.</summary>
    public string SeriesDirectory => _seriesDirectory;

    /// <inheritdoc />
    public TimeSeriesWriterCounters Counters => new()
    {
        Queued = Interlocked.Read(ref _queued),
        Written = Interlocked.Read(ref _written),
        Dropped = Interlocked.Read(ref _dropped),
        Buffered = Interlocked.Read(ref _buffered),
    };

    /// <summary>
    /// Adds <paramref name="point"/> to its day's pending lines (a point without timestamp is stamped now).
    /// A point older than the retention window, or written after disposal, is dropped and counted.
    /// </summary>
    public void Write(PointData point)
    {
        ArgumentNullException.ThrowIfNull(point);
        var now = _time.GetUtcNow();
        var time = point.Time ?? now;
        var day = DateOnly.FromDateTime(time.UtcDateTime);
        Interlocked.Increment(ref _queued);
        lock (_gate)
        {
            if (_disposed || day < OldestKeptDay(now))
            {
                Interlocked.Increment(ref _dropped);
                return;
            }

            if (!_pending.TryGetValue(day, out var pending))
            {
                pending = new PendingDay();
                _pending[day] = pending;
            }

            pending.Add(point, now);
        }

        Interlocked.Increment(ref _buffered);
    }

    /// <inheritdoc />
    public Task FlushAsync(CancellationToken cancellationToken = default) => FlushCoreAsync(sync: true, cancellationToken, always: true);

    /// <inheritdoc />
    public async Task<IReadOnlyList<SeriesSample>> QueryAsync(SeriesQuery query, CancellationToken cancellationToken = default)
    {
        SeriesReduction.Validate(query);

        // What was written is visible to the next query, synced or not.
        await FlushCoreAsync(sync: false, cancellationToken).ConfigureAwait(false);
        var latest = new Dictionary<(string Series, long Time), double?>();
        if (query.To > query.From)
        {
            var fromMs = LineProtocol.ToUnix(query.From, WritePrecision.Milliseconds);
            if (LineProtocol.FromUnix(fromMs, WritePrecision.Milliseconds) != query.From)
            {
                fromMs++;
            }

            var toMs = LineProtocol.ToUnix(query.To.AddTicks(-1), WritePrecision.Milliseconds);
            var field = LineProtocol.EscapedUtf8(query.Field, LineProtocol.NameKind.Key);
            var plan = await PlanAsync(query, cancellationToken).ConfigureAwait(false);
            try
            {
                foreach (var (handle, runs) in plan)
                {
                    DayFileScanner.ReadRuns(handle, [.. runs.Select(r => r.Run)], (run, line) =>
                    {
                        if (DayFileScanner.TryReadField(line, field, out var time, out var value) && time >= fromMs && time <= toMs)
                        {
                            // A later line for the same series and time replaces the earlier one, as in InfluxDB.
                            latest[(runs[run].Key, time)] = value;
                        }
                    });
                }
            }
            finally
            {
                foreach (var (handle, _) in plan)
                {
                    handle.Dispose();
                }
            }
        }

        var ordered = latest
            .OrderBy(p => p.Key.Time)
            .ThenBy(p => p.Key.Series, StringComparer.Ordinal)
            .Select(p => (LineProtocol.FromUnix(p.Key.Time, WritePrecision.Milliseconds), p.Value))
            .ToList();
        return SeriesReduction.Reduce(ordered, query);
    }

    /// <summary>Stops the timers, appends and syncs what is pending, and closes the day files.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        await _flushTimer.DisposeAsync().ConfigureAwait(false);
        await _retentionTimer.DisposeAsync().ConfigureAwait(false);
        await FlushCoreAsync(sync: true, CancellationToken.None, always: true).ConfigureAwait(false);
        await _io.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var stream in _files.Values)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var index in _indexes.Values)
            {
                index.Dispose();
            }

            _files.Clear();
            _indexes.Clear();
        }
        finally
        {
            _io.Release();
        }
    }

    private DateOnly OldestKeptDay(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime).AddDays(-_options.RetentionDays);

    private async Task FlushCoreAsync(bool sync, CancellationToken cancellationToken, bool always = false)
    {
        await _io.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Dictionary<DateOnly, PendingDay> pending;
            lock (_gate)
            {
                if (_pending.Count == 0 && !always)
                {
                    return;
                }

                pending = _pending;
                _pending = [];
            }

            var days = pending.OrderBy(p => p.Key).ToList();
            for (var i = 0; i < days.Count; i++)
            {
                var (day, lines) = days[i];
                try
                {
                    var index = await IndexAsync(day, CancellationToken.None).ConfigureAwait(false);
                    await index.AppendAsync(OpenDay(day), lines.Bytes.WrittenMemory).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    // Put back what was not appended, ahead of anything written since, so a later flush retries it in order.
                    Requeue(days.Skip(i));
                    throw;
                }

                Interlocked.Add(ref _written, lines.Lines);
                Interlocked.Add(ref _buffered, -lines.Lines);
            }

            if (sync)
            {
                foreach (var (day, stream) in _files)
                {
                    // The day file first: an index run then never points at lines a crash could take back for long.
                    stream.Flush(flushToDisk: true);
                    _indexes[day].Sync();
                }
            }
        }
        finally
        {
            _io.Release();
        }
    }

    private void Requeue(IEnumerable<KeyValuePair<DateOnly, PendingDay>> unwritten)
    {
        lock (_gate)
        {
            foreach (var (day, lines) in unwritten)
            {
                if (_pending.TryGetValue(day, out var newer))
                {
                    lines.Append(newer);
                }

                _pending[day] = lines;
            }
        }
    }

    private FileStream OpenDay(DateOnly day)
    {
        if (_files.TryGetValue(day, out var open))
        {
            return open;
        }

        var stream = new FileStream(DayPath(day), FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        if (stream.Length > 0 && LastByte(DayPath(day)) != (byte)'\n')
        {
            // A crash mid-append left a torn last line; end it so the next line starts clean (the torn one is skipped on read).
            stream.WriteByte((byte)'\n');
            LogTornLine(_logger, DayPath(day));
        }

        _files[day] = stream;
        return stream;
    }

    private static int LastByte(string path)
    {
        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        reader.Seek(-1, SeekOrigin.End);
        return reader.ReadByte();
    }

    // The day's index, loaded (and repaired from the day file) on first use in this process; callers hold _io.
    private async Task<DayIndex> IndexAsync(DateOnly day, CancellationToken cancellationToken)
    {
        if (!_indexes.TryGetValue(day, out var index))
        {
            var path = DayPath(day);
            index = await DayIndex.LoadAsync(path, Path.ChangeExtension(path, IndexExtension), cancellationToken).ConfigureAwait(false);
            _indexes[day] = index;
        }

        return index;
    }

    private string DayPath(DateOnly day) => Path.Combine(_seriesDirectory, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + FileExtension);

    // The day files the query spans, each opened (under the lock, so a compaction cannot swap the file between the plan
    // and the read) with the runs (in file order) of the series in it that match the query.
    private async Task<List<(SafeFileHandle File, List<(DayIndex.Run Run, string Key)> Runs)>> PlanAsync(SeriesQuery query, CancellationToken cancellationToken)
    {
        var plan = new List<(SafeFileHandle File, List<(DayIndex.Run Run, string Key)> Runs)>();
        var firstDay = DateOnly.FromDateTime(query.From.UtcDateTime);
        var lastDay = DateOnly.FromDateTime(query.To.AddTicks(-1).UtcDateTime);
        await _io.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
            {
                var path = DayPath(day);
                if (!File.Exists(path))
                {
                    continue;
                }

                var index = await IndexAsync(day, cancellationToken).ConfigureAwait(false);

                // Copied under the lock: a flush appends to the index while the query reads.
                var runs = index.Keys.Where(key => SeriesMatches(key, query))
                    .SelectMany(key => index.RunsOf(key).Select(run => (run, key)))
                    .OrderBy(run => run.run.Offset)
                    .ToList();
                if (runs.Count > 0)
                {
                    plan.Add((File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), runs));
                }
            }
        }
        catch
        {
            foreach (var (handle, _) in plan)
            {
                handle.Dispose();
            }

            throw;
        }
        finally
        {
            _io.Release();
        }

        return plan;
    }

    private bool SeriesMatches(string seriesKey, SeriesQuery query)
    {
        var parsed = _parsedKeys.GetOrAdd(seriesKey, key => LineProtocolParser.TryParse(key + " x=0", out var line) ? line : null);
        if (parsed is null || !string.Equals(parsed.Measurement, query.Measurement, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var (key, value) in query.Tags)
        {
            if (!string.Equals(parsed.TagValue(key), value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private void OnFlushTimer()
    {
        _ = FlushFromTimerAsync();
    }

    private async Task FlushFromTimerAsync()
    {
        try
        {
            await FlushCoreAsync(sync: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            LogFlushFailed(_logger, _seriesDirectory, e);
        }
    }

    private void OnRetentionTimer() => _ = SweepAsync();

    private async Task SweepAsync()
    {
        try
        {
            EnforceRetention();
            await CompactFinishedDaysAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            LogFlushFailed(_logger, _seriesDirectory, e);
        }
    }

    /// <summary>
    /// Compacts the index of every finished UTC day (before today) that has more than two runs per series: its day file
    /// is rewritten with one run per series, so its index costs 16 B per series instead of per series and flush.
    /// Holds the I/O lock meanwhile: writes wait in memory and queries wait (about a second per 100 MB of day file).
    /// </summary>
    internal async Task CompactFinishedDaysAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        foreach (var path in Directory.EnumerateFiles(_seriesDirectory, "*" + FileExtension).Order(StringComparer.Ordinal).ToList())
        {
            if (!DateOnly.TryParseExact(Path.GetFileNameWithoutExtension(path), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                || day >= today)
            {
                continue;
            }

            await _io.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (Volatile.Read(ref _disposed) || !File.Exists(path))
                {
                    continue;
                }

                var index = await IndexAsync(day, cancellationToken).ConfigureAwait(false);
                if (!index.NeedsCompaction)
                {
                    continue;
                }

                var runs = index.RunCount;
                if (_files.Remove(day, out var stream))
                {
                    // Synced first: the compacted file is built from what is on disk.
                    stream.Flush(flushToDisk: true);
                    await stream.DisposeAsync().ConfigureAwait(false);
                }

                // Out of the table until it is done: a failed compaction leaves the day to be loaded (and repaired) afresh.
                _indexes.Remove(day);
                DayIndex compacted;
                try
                {
                    compacted = await index.CompactAsync(path, Path.ChangeExtension(path, IndexExtension), cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    index.Dispose();
                    throw;
                }

                _indexes[day] = compacted;
                LogCompacted(_logger, path, runs, compacted.RunCount);
            }
            finally
            {
                _io.Release();
            }
        }
    }

    private void EnforceRetention()
    {
        var oldestKept = OldestKeptDay(_time.GetUtcNow());
        foreach (var path in Directory.EnumerateFiles(_seriesDirectory, "*" + FileExtension))
        {
            if (!DateOnly.TryParseExact(Path.GetFileNameWithoutExtension(path), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                || day >= oldestKept)
            {
                continue;
            }

            _io.Wait();
            try
            {
                if (_files.Remove(day, out var stream))
                {
                    stream.Dispose();
                }

                if (_indexes.Remove(day, out var index))
                {
                    index.Dispose();
                }

                File.Delete(path);
                File.Delete(Path.ChangeExtension(path, IndexExtension));
                LogDayDeleted(_logger, path, _options.RetentionDays);
            }
            catch (IOException e)
            {
                LogFlushFailed(_logger, path, e);
            }
            finally
            {
                _io.Release();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Series file {Path} ended in a torn line (an interrupted append); it is skipped")]
    private static partial void LogTornLine(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the embedded series files in {Path}; the points stay pending")]
    private static partial void LogFlushFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Compacted {Path}: {Before} index runs in memory became {After} (one per series)")]
    private static partial void LogCompacted(ILogger logger, string path, int before, int after);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Path}: older than the {RetentionDays} days kept")]
    private static partial void LogDayDeleted(ILogger logger, string path, int retentionDays);

    private sealed class PendingDay
    {
        public LineBuffer Bytes { get; } = new(16 * 1024);

        public int Lines { get; private set; }

        public void Add(PointData point, DateTimeOffset now)
        {
            point.WriteLineProtocol(Bytes, WritePrecision.Milliseconds, now);
            Bytes.Append((byte)'\n');
            Lines++;
        }

        public void Append(PendingDay newer)
        {
            Bytes.Append(newer.Bytes.WrittenSpan);
            Lines += newer.Lines;
        }
    }
}
