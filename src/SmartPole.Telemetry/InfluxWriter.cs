using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SmartPole.Telemetry;

/// <summary>
/// Writes points to InfluxDB over HTTP (v1 <c>/write</c>, or v2 <c>/api/v2/write</c> when a token is set).
/// <see cref="Write"/> only enqueues; one pump gathers batches (by size or age), at most
/// <see cref="InfluxOptions.MaxConcurrentRequests"/> are in flight, transient failures are retried with
/// exponential backoff and jitter (honouring <c>Retry-After</c>), and a batch that still fails goes to disk spill
/// segments that are replayed in order once InfluxDB answers. Lines InfluxDB refuses for good are found by
/// splitting the batch (InfluxDB overwrites identical points, so re-sending the good ones is harmless) and
/// dead-lettered with InfluxDB's message.
/// </summary>
public sealed partial class InfluxWriter : ITimeSeriesWriter
{
    private const int DeadLetterMemory = 1000;

    [ThreadStatic]
    private static FormattedLines? t_lines;

    private readonly InfluxOptions _options;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly InfluxHttp _api;
    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<bool> _replaySignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SpillStore _spill;
    private readonly SemaphoreSlim _requests;
    private readonly HashSet<Task> _inFlight = [];
    private readonly Lock _batchGate = new();
    private readonly BatchBuilder _current;
    private readonly Queue<TimeSeriesDeadLetter> _deadLetters = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _ticker;
    private readonly Task _pump;
    private readonly Task _replayer;
    private long _nextSequence;
    private long _queued;
    private long _written;
    private long _retried;
    private long _spilled;
    private long _deadLettered;
    private long _dropped;
    private long _buffered;
    private volatile bool _outage;
    private volatile bool _shuttingDown;
    private bool _closed;
    private int _disposed;

    /// <summary>Creates the writer and starts its pump; spill segments left by an earlier run are replayed first.</summary>
    public InfluxWriter(InfluxOptions options, HttpClient http, ILogger<InfluxWriter>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentRequests, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBufferedPoints, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.FlushInterval, TimeSpan.Zero);
        _api = new InfluxHttp(options);
        _options = options;
        _http = http;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _spill = new SpillStore(options.SpillDirectory, (long)options.SpillQuotaMB * 1024 * 1024);
        _nextSequence = _spill.NextSequence;
        _requests = new SemaphoreSlim(options.MaxConcurrentRequests);
        _current = new BatchBuilder(options.BatchSize);
        _outage = !_spill.IsEmpty;
        _ticker = _time.CreateTimer(_ => CutByAge(), null, options.FlushInterval, options.FlushInterval);
        _pump = Task.Run(PumpAsync);
        _replayer = Task.Run(ReplayAsync);
        if (!_spill.IsEmpty)
        {
            _replaySignal.Writer.TryWrite(true);
        }
    }

    /// <inheritdoc />
    public TimeSeriesWriterCounters Counters => new()
    {
        Queued = Interlocked.Read(ref _queued),
        Written = Interlocked.Read(ref _written),
        Retried = Interlocked.Read(ref _retried),
        Spilled = Interlocked.Read(ref _spilled),
        DeadLettered = Interlocked.Read(ref _deadLettered),
        Dropped = Interlocked.Read(ref _dropped),
        Buffered = Interlocked.Read(ref _buffered),
        OnDisk = _spill.Lines,
    };

    /// <summary>The most recent lines InfluxDB refused for good (up to 1,000), oldest first, each with InfluxDB's message.</summary>
    public IReadOnlyList<TimeSeriesDeadLetter> DeadLetters
    {
        get
        {
            lock (_deadLetters)
            {
                return [.. _deadLetters];
            }
        }
    }

    /// <summary>
    /// Enqueues <paramref name="point"/>; a point without timestamp is stamped now. The point is formatted into its
    /// line at once, so nothing of it but its line stays in memory. Beyond <see cref="InfluxOptions.MaxBufferedPoints"/>
    /// a full batch goes to a spill segment instead of the send queue. A point written after disposal is dropped and counted.
    /// </summary>
    public void Write(PointData point)
    {
        ArgumentNullException.ThrowIfNull(point);
        Write(new ReadOnlySpan<PointData>(ref point));
    }

    /// <summary>
    /// Enqueues <paramref name="points"/> in order, as <see cref="Write(PointData)"/> does one by one, but taking the
    /// writer's lock once per call (per 64 KiB of lines for a long span) instead of once per point. Every point is
    /// checked before any is enqueued. Lines are formatted on the calling thread before the lock is taken.
    /// </summary>
    public void Write(ReadOnlySpan<PointData> points)
    {
        var stampNow = false;
        foreach (var point in points)
        {
            ArgumentNullException.ThrowIfNull(point, nameof(points));
            if (!point.HasFields)
            {
                throw new ArgumentException($"Point '{point.MeasurementName}' has no fields; InfluxDB refuses a point without fields.", nameof(points));
            }

            stampNow |= point.Time is null;
        }

        var now = stampNow ? _time.GetUtcNow() : default;
        var lines = t_lines ??= new FormattedLines();
        lines.Clear();
        try
        {
            foreach (var point in points)
            {
                lines.Add(point, now);
                if (lines.ByteCount >= FormattedLines.FlushBytes)
                {
                    Enqueue(lines);
                    lines.Clear();
                }
            }

            Enqueue(lines);
        }
        finally
        {
            lines.Clear();
        }
    }
    /// <inheritdoc />
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        WriteBatch? overflow;
        lock (_batchGate)
        {
            overflow = _closed ? null : Cut();
            if (_closed || !_queue.Writer.TryWrite(new Item(null, done)))
            {
                done.TrySetResult();
            }
        }

        SpillOverflow(overflow);
        if (done.Task.IsCompleted)
        {
            await _pump.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the v1 database if it does not exist (v2 buckets are created by their owner: nothing to do).</summary>
    public async Task EnsureDatabaseAsync(CancellationToken ct)
    {
        if (_options.UsesV2)
        {
            return;
        }

        var client = new InfluxQueryClient(_options, _http);
        await client.QueryAsync($"CREATE DATABASE {InfluxQueryClient.QuoteIdentifier(_options.Database)}", ct).ConfigureAwait(false);
    }

    /// <summary>Sends or spills everything still in memory, then stops; spill segments stay for the next start.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // From here a transient failure spills at once instead of waiting through retries.
        _shuttingDown = true;
        await _ticker.DisposeAsync().ConfigureAwait(false);
        WriteBatch? overflow;
        lock (_batchGate)
        {
            overflow = Cut();
            _closed = true;
            _queue.Writer.TryComplete();
        }

        SpillOverflow(overflow);
        await _pump.ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _replayer.ConfigureAwait(false);
        _stopping.Dispose();
        _requests.Dispose();
    }

    /// <summary>Adds lines formatted outside the lock to the batch being gathered: the lock covers copies only.</summary>
    private void Enqueue(FormattedLines lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        Interlocked.Add(ref _queued, lines.Count);
        List<WriteBatch>? overflow = null;
        lock (_batchGate)
        {
            if (_closed)
            {
                Interlocked.Add(ref _dropped, lines.Count);
                return;
            }

            var at = 0;
            while (at < lines.Count)
            {
                var precision = lines.Precision(at);
                if (!_current.Accepts(precision))
                {
                    AddOverflow(ref overflow, Cut());
                }

                var take = Math.Min(lines.RunLength(at), _options.BatchSize - _current.Count);
                _current.Add(lines, at, take, precision);
                Interlocked.Add(ref _buffered, take);
                at += take;
                if (_current.Count >= _options.BatchSize)
                {
                    AddOverflow(ref overflow, Cut());
                }
            }
        }

        if (overflow is not null)
        {
            foreach (var batch in overflow)
            {
                SpillOverflow(batch);
            }
        }
    }

    private static void AddOverflow(ref List<WriteBatch>? overflow, WriteBatch? batch)
    {
        if (batch is not null)
        {
            (overflow ??= []).Add(batch);
        }
    }

    private async Task PumpAsync()
    {
        await foreach (var item in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (item.Batch is { } batch)
            {
                await DispatchAsync(batch).ConfigureAwait(false);
                continue;
            }

            await DrainAsync().ConfigureAwait(false);
            item.Flushed?.TrySetResult();
        }

        await DrainAsync().ConfigureAwait(false);
    }

    private async Task DrainAsync()
    {
        Task[] running;
        lock (_inFlight)
        {
            running = [.. _inFlight];
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends the batch being gathered (under <see cref="_batchGate"/>) and queues it for sending; returns it instead
    /// when memory is over its bound, for the caller to spill outside the lock.
    /// </summary>
    private WriteBatch? Cut()
    {
        if (_current.Count == 0)
        {
            return null;
        }

        var batch = _current.Build(NextSequence());
        if (Interlocked.Read(ref _buffered) > _options.MaxBufferedPoints)
        {
            return batch;
        }

        // Queued under the lock, so batches reach the pump in sequence order.
        _queue.Writer.TryWrite(new Item(batch, null));
        return null;
    }

    private void CutByAge()
    {
        WriteBatch? overflow;
        lock (_batchGate)
        {
            overflow = _closed ? null : Cut();
        }

        SpillOverflow(overflow);
    }

    private void SpillOverflow(WriteBatch? batch)
    {
        if (batch is not null)
        {
            Spill(batch);
            Interlocked.Add(ref _buffered, -batch.LineCount);
        }
    }

    private async Task DispatchAsync(WriteBatch batch)
    {
        if (_outage)
        {
            // Keep order while InfluxDB is away: new batches queue behind the spilled ones.
            Spill(batch);
            Interlocked.Add(ref _buffered, -batch.LineCount);
            return;
        }

        // Compressed before waiting for a request slot, so the next body is ready the moment one frees up.
        var compressed = _options.Gzip ? GzipBody.TryCompress(batch.Body(0, batch.LineCount)) : null;
        await _requests.WaitAsync().ConfigureAwait(false);
        var send = SendInMemoryAsync(batch, compressed);
        lock (_inFlight)
        {
            _inFlight.Add(send);
        }

        _ = send.ContinueWith(
            t =>
            {
                lock (_inFlight)
                {
                    _inFlight.Remove(t);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task SendInMemoryAsync(WriteBatch batch, GzipBody? compressed)
    {
        try
        {
            await SendRangeAsync(batch, 0, batch.LineCount, _options.MaxRetries, compressed).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Never lose a batch to a bug in the send path: keep it on disk.
            LogSendFailed(_logger, batch.LineCount, e);
            Spill(batch);
        }
        finally
        {
            compressed?.Dispose();
            Interlocked.Add(ref _buffered, -batch.LineCount);
            _requests.Release();
        }
    }

    /// <summary>
    /// Sends lines [first, first + count): written, refused lines dead-lettered (splitting to find them), or,
    /// after <paramref name="retries"/> transient failures, spilled and the outage declared.
    /// </summary>
    private async Task SendRangeAsync(WriteBatch batch, int first, int count, int retries, GzipBody? compressed = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var result = await PostAsync(batch, first, count, compressed).ConfigureAwait(false);
            switch (result.Kind)
            {
                case OutcomeKind.Written:
                    Interlocked.Add(ref _written, count);
                    return;
                case OutcomeKind.Refused:
                    await RefusedAsync(batch, first, count, result.Message).ConfigureAwait(false);
                    return;
            }

            if (attempt >= retries || _shuttingDown)
            {
                LogSpilling(_logger, count, result.Message);
                _outage = true;
                Spill(batch.Slice(first, count));
                return;
            }

            Interlocked.Increment(ref _retried);
            await WaitAsync(result.RetryAfter ?? Backoff(attempt)).ConfigureAwait(false);
        }
    }

    private async Task RefusedAsync(WriteBatch batch, int first, int count, string message)
    {
        if (count == 1)
        {
            DeadLetter(batch.Line(first), message);
            return;
        }

        var named = RefusedLines.Find(batch, first, count, message);
        if (named.Count > 0 && named.Count < count)
        {
            // InfluxDB may have written the others already, but identical points overwrite themselves: send them again.
            foreach (var index in named.Order())
            {
                DeadLetter(batch.Line(index), message);
            }

            var rest = batch.Without(first, count, named);
            await SendRangeAsync(rest, 0, rest.LineCount, _options.MaxRetries).ConfigureAwait(false);
            return;
        }

        // The message does not say which lines: halve until each refused line stands alone.
        var half = count / 2;
        await SendRangeAsync(batch, first, half, _options.MaxRetries).ConfigureAwait(false);
        await SendRangeAsync(batch, first + half, count - half, _options.MaxRetries).ConfigureAwait(false);
    }

    private async Task ReplayAsync()
    {
        var failures = 0;
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                failures = await ReplayOldestAsync(failures).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The replayer must outlive any one bad segment or bug: log, wait, carry on.
                LogReplayFailed(_logger, e);
                ReleaseReplay();
                try
                {
                    await WaitAsync(Backoff(failures++), _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Sends the oldest spill segment (or waits for one); returns the count of consecutive failures.</summary>
    private async Task<int> ReplayOldestAsync(int failures)
    {
        (SpillSegment Segment, WriteBatch Batch)? next;
        try
        {
            next = _spill.TakeOldest();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var lost = _spill.DiscardOldest();
            Interlocked.Add(ref _dropped, lost);
            LogSegmentUnreadable(_logger, lost, e);
            return failures;
        }

        if (next is not { } taken)
        {
            _outage = !_spill.IsEmpty;
            await _replaySignal.Reader.ReadAsync(_stopping.Token).ConfigureAwait(false);
            return failures;
        }

        var (segment, batch) = taken;
        var result = await PostAsync(batch, 0, batch.LineCount, null, _stopping.Token).ConfigureAwait(false);
        if (result.Kind == OutcomeKind.Unavailable)
        {
            ReleaseReplay();
            Interlocked.Increment(ref _retried);
            await WaitAsync(result.RetryAfter ?? Backoff(failures), _stopping.Token).ConfigureAwait(false);
            return failures + 1;
        }

        if (result.Kind == OutcomeKind.Written)
        {
            Interlocked.Add(ref _written, batch.LineCount);
        }
        else
        {
            await RefusedAsync(batch, 0, batch.LineCount, result.Message).ConfigureAwait(false);
        }

        _spill.Complete(segment);
        LogReplayed(_logger, segment.Lines, _spill.Lines);
        return 0;
    }

    /// <summary>Posts lines [first, first + count); <paramref name="compressed"/> is their body already gzipped, if at hand.</summary>
    private async Task<Outcome> PostAsync(WriteBatch batch, int first, int count, GzipBody? compressed, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _api.WriteUri(batch.Precision));
        _api.Authorize(request);
        var body = batch.Body(first, count);
        var gzip = _options.Gzip ? compressed ?? GzipBody.TryCompress(body) : null;
        var owned = compressed is null ? gzip : null;
        if (gzip is not null)
        {
            request.Content = new ByteArrayContent(gzip.Buffer, 0, gzip.Length);
            request.Content.Headers.ContentEncoding.Add("gzip");
        }
        else
        {
            request.Content = new ReadOnlyMemoryContent(body);
        }

        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return new Outcome(OutcomeKind.Written, "", null);
            }

            var text = await response.Content.ReadAsStringAsync(CancellationToken.None).ConfigureAwait(false);
            var message = InfluxHttp.ErrorMessage(text, response.StatusCode);
            var status = (int)response.StatusCode;
            if (status >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
                or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
            {
                // Authentication and a missing database are the server's setup, not the data's fault: keep the points.
                LogUnavailable(_logger, status, message);
                return new Outcome(OutcomeKind.Unavailable, message, InfluxHttp.RetryAfter(response, _time.GetUtcNow()));
            }

            return new Outcome(OutcomeKind.Refused, message, null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new Outcome(OutcomeKind.Unavailable, e.Message, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new Outcome(OutcomeKind.Unavailable, $"no answer within {_options.RequestTimeout}", null);
        }
        finally
        {
            owned?.Dispose();
        }
    }

    private void ReleaseReplay()
    {
        var lost = _spill.Release();
        if (lost > 0)
        {
            Interlocked.Add(ref _dropped, lost);
            LogEvicted(_logger, lost, _options.SpillQuotaMB);
        }
    }

    private long NextSequence() => Interlocked.Increment(ref _nextSequence) - 1;

    private TimeSpan Backoff(int attempt)
    {
        var exponential = _options.RetryInitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        var capped = Math.Min(exponential, _options.RetryMaxDelay.TotalMilliseconds);

        // Full jitter over the upper half keeps writers that failed together from retrying together.
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken = default)
    {
        if (_shuttingDown && !cancellationToken.CanBeCanceled)
        {
            return;
        }

        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
    }

    private void Spill(WriteBatch batch)
    {
        try
        {
            var evicted = _spill.Append(batch);
            Interlocked.Add(ref _spilled, batch.LineCount);
            if (evicted > 0)
            {
                Interlocked.Add(ref _dropped, evicted);
                LogEvicted(_logger, evicted, _options.SpillQuotaMB);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Interlocked.Add(ref _dropped, batch.LineCount);
            LogSpillFailed(_logger, batch.LineCount, _options.SpillDirectory, e);
        }

        _replaySignal.Writer.TryWrite(true);
    }

    private void DeadLetter(string line, string message)
    {
        Interlocked.Increment(ref _deadLettered);
        LogDeadLettered(_logger, line, message);
        lock (_deadLetters)
        {
            if (_deadLetters.Count == DeadLetterMemory)
            {
                _deadLetters.Dequeue();
            }

            _deadLetters.Enqueue(new TimeSeriesDeadLetter(line, message, _time.GetUtcNow()));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "InfluxDB refused a line for good: {Reason}. Line: {Line}")]
    private static partial void LogDeadLettered(ILogger logger, string line, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "InfluxDB is unavailable ({Reason}); {Lines} lines go to disk spill segments")]
    private static partial void LogSpilling(ILogger logger, int lines, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "InfluxDB answered {Status}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, int status, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed a spill segment of {Lines} lines; {Remaining} lines remain on disk")]
    private static partial void LogReplayed(ILogger logger, long lines, long remaining);

    [LoggerMessage(Level = LogLevel.Error, Message = "Spill quota of {QuotaMB} MB reached: dropped the oldest {Lines} lines")]
    private static partial void LogEvicted(ILogger logger, long lines, int quotaMB);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not spill {Lines} lines to {Directory}; they are dropped")]
    private static partial void LogSpillFailed(ILogger logger, int lines, string directory, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Replaying the spill failed unexpectedly; retrying after a pause")]
    private static partial void LogReplayFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "A spill segment of {Lines} lines could not be read; it is dropped")]
    private static partial void LogSegmentUnreadable(ILogger logger, long lines, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending a batch of {Lines} lines failed unexpectedly; it is spilled")]
    private static partial void LogSendFailed(ILogger logger, int lines, Exception exception);

    private enum OutcomeKind
    {
        Written,
        Refused,
        Unavailable,
    }

    private readonly record struct Outcome(OutcomeKind Kind, string Message, TimeSpan? RetryAfter);

    /// <summary>A batch to send, or a flush marker.</summary>
    private readonly record struct Item(WriteBatch? Batch, TaskCompletionSource? Flushed);
}
