using System.Buffers;
using System.Globalization;
using System.Text;

namespace SmartPole.Telemetry;

/// <summary>
/// The index of one embedded day file: for every series key, the byte ranges of the day file that hold its lines
/// (and nothing else), so a query reads only its series' lines. Kept in <c>yyyy-MM-dd.idx</c> beside the day file,
/// one text record per line: <c>k {id} {series key}</c> names a series, <c>b {id} {offset} {length}</c> is a run of
/// that series' complete lines. Each flush writes its lines grouped by series, so it adds one run per series.
/// The index is checked against its day file when loaded: runs beyond the file's end are ignored (a crash between
/// the two appends) and lines past the last run are indexed from the file itself, so a missing or stale index
/// (an older store, a crash) is repaired, never trusted blindly.
/// </summary>
internal sealed class DayIndex : IDisposable
{
    // A compaction holds at most this much of a day's lines in memory at once (one pass over the day file per group).
    private const long CompactionGroupBytes = 64L * 1024 * 1024;

    /// <summary>The suffix of the files a compaction writes before they replace the day file and its index.</summary>
    public const string CompactingExtension = ".compacting";

    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _keys = [];
    private readonly List<List<Run>> _runs = [];
    private readonly FileStream _index;

    private DayIndex(FileStream index) => _index = index;

    /// <summary>The series keys of the day, as written (escaped measurement and tag set).</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>Where the day file's indexed lines end; the next append lands here.</summary>
    public long Covered { get; private set; }

    /// <summary>Loads the index of <paramref name="dataPath"/> from <paramref name="indexPath"/>, repairing it from the day file where it falls short.</summary>
    public static async Task<DayIndex> LoadAsync(string dataPath, string indexPath, CancellationToken cancellationToken)
    {
        var dataLength = File.Exists(dataPath) ? new FileInfo(dataPath).Length : 0;
        var stream = new FileStream(indexPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);
        var index = new DayIndex(stream);
        try
        {
            index.Read(dataLength);
            if (index.Covered < dataLength)
            {
                var tail = new ArrayBufferWriter<byte>();
                await DayFileScanner.ForEachLineRunAsync(
                    dataPath,
                    index.Covered,
                    (offset, lines) => index.AddLines(offset, lines.Span, tail),
                    cancellationToken).ConfigureAwait(false);
                index.Covered = dataLength;
                await stream.WriteAsync(tail.WrittenMemory, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            return index;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>How many runs the index holds in memory (16 B each), over all its series.</summary>
    public int RunCount { get; private set; }

    /// <summary>
    /// Whether the day is worth compacting: more than two runs per series on average. A compacted day has one run
    /// per series; a few late points add a run each, and are left until they add up rather than rewriting the day for each.
    /// </summary>
    public bool NeedsCompaction => RunCount > 2 * _keys.Count;

    /// <summary>
    /// Rewrites the day file with each series' lines together (one run per series, each series' lines in the order they
    /// were written, so the later of two points of one series and time still wins) and its index to match, then loads
    /// the new index; this index is closed. The caller holds the store's I/O lock and has closed the day file.
    /// Crash-safe: the old index is deleted before the new day file replaces the old one, so a crash in between leaves a
    /// day file without index, which is indexed again from the file itself on load.
    /// </summary>
    public async Task<DayIndex> CompactAsync(string dataPath, string indexPath, CancellationToken cancellationToken)
    {
        var dataTemp = dataPath + CompactingExtension;
        var indexTemp = indexPath + CompactingExtension;
        var records = new ArrayBufferWriter<byte>();
        using (var source = File.OpenHandle(dataPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var target = new FileStream(dataTemp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            long written = 0;
            var group = new List<int>();
            long groupBytes = 0;
            for (var id = 0; id <= _keys.Count; id++)
            {
                var bytes = id < _keys.Count ? _runs[id].Sum(r => (long)r.Length) : 0;
                if (id == _keys.Count || (group.Count > 0 && groupBytes + bytes > CompactionGroupBytes))
                {
                    written += await CopyGroupAsync(source, target, group, written, records, cancellationToken).ConfigureAwait(false);
                    group.Clear();
                    groupBytes = 0;
                }

                if (id < _keys.Count)
                {
                    group.Add(id);
                    groupBytes += bytes;
                }
            }

            target.Flush(flushToDisk: true);
        }

        using (var index = new FileStream(indexTemp, FileMode.Create, FileAccess.Write, FileShare.None, 1))
        {
            await index.WriteAsync(records.WrittenMemory, cancellationToken).ConfigureAwait(false);
            index.Flush(flushToDisk: true);
        }

        _index.Dispose();
        File.Delete(indexPath);
        File.Move(dataTemp, dataPath, overwrite: true);
        File.Move(indexTemp, indexPath, overwrite: true);
        return await LoadAsync(dataPath, indexPath, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The runs of <paramref name="key"/>'s lines, in file order.</summary>
    public IReadOnlyList<Run> RunsOf(string key) => _ids.TryGetValue(key, out var id) ? _runs[id] : [];

    /// <summary>
    /// Writes <paramref name="lines"/> (complete lines) to the end of <paramref name="data"/> grouped by series, then
    /// their runs to the index file; both are synced by <see cref="Sync"/>.
    /// </summary>
    public async Task AppendAsync(FileStream data, ReadOnlyMemory<byte> lines)
    {
        // Group: series ids in order of first appearance, each with its lines in written order.
        var order = new List<int>();
        var perSeries = new Dictionary<int, List<Range>>();
        var text = lines.Span;
        var chars = ArrayPool<char>.Shared.Rent(256);
        var records = new ArrayBufferWriter<byte>();
        try
        {
            var at = 0;
            while (at < text.Length)
            {
                var end = text[at..].IndexOf((byte)'\n') + at;
                var key = DayFileScanner.SeriesKey(text[at..end]);
                var id = IdOf(key, ref chars, records);
                if (!perSeries.TryGetValue(id, out var ranges))
                {
                    ranges = [];
                    perSeries[id] = ranges;
                    order.Add(id);
                }

                ranges.Add(new Range(at, end + 1));
                at = end + 1;
            }

            var grouped = new byte[text.Length];
            var written = 0;
            var start = data.Length;
            foreach (var id in order)
            {
                var runStart = written;
                foreach (var range in perSeries[id])
                {
                    text[range].CopyTo(grouped.AsSpan(written));
                    written += range.End.Value - range.Start.Value;
                }

                AddRun(id, new Run(start + runStart, written - runStart), records);
            }

            await data.WriteAsync(grouped, CancellationToken.None).ConfigureAwait(false);
            await data.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            Covered = start + grouped.Length;
            await _index.WriteAsync(records.WrittenMemory, CancellationToken.None).ConfigureAwait(false);
            await _index.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Forces the index file to disk (after its day file, so a run never points past synced data for long).</summary>
    public void Sync() => _index.Flush(flushToDisk: true);

    /// <inheritdoc />
    public void Dispose() => _index.Dispose();

    private void Read(long dataLength)
    {
        var bytes = new byte[_index.Length];
        _index.ReadExactly(bytes);
        var text = bytes.AsSpan();

        // A record torn by a crash has no newline: cut it off so the next record starts on a line of its own.
        var complete = text.LastIndexOf((byte)'\n') + 1;
        if (complete < text.Length)
        {
            _index.SetLength(complete);
        }

        _index.Seek(complete, SeekOrigin.Begin);
        foreach (var lineRange in text[..complete].Split((byte)'\n'))
        {
            var line = Encoding.UTF8.GetString(text[lineRange]);

            // A series key may hold escaped spaces: it is the rest of its record.
            if (line.Split(' ', 3) is ["k", var id, var key] && int.TryParse(id, CultureInfo.InvariantCulture, out var next) && next == _keys.Count)
            {
                Define(key);
            }
            else if (line.Split(' ') is ["b", var runId, var offset, var length]
                && int.TryParse(runId, CultureInfo.InvariantCulture, out var series) && series >= 0 && series < _keys.Count)
            {
                var run = new Run(long.Parse(offset, CultureInfo.InvariantCulture), int.Parse(length, CultureInfo.InvariantCulture));
                if (run.Offset + run.Length <= dataLength && run.Offset >= Covered)
                {
                    _runs[series].Add(run);
                    RunCount++;
                    Covered = run.Offset + run.Length;
                }
            }
        }
    }

    // Indexes complete lines found in the day file itself, one run per stretch of one series.
    private void AddLines(long offset, ReadOnlySpan<byte> lines, ArrayBufferWriter<byte> records)
    {
        var chars = ArrayPool<char>.Shared.Rent(256);
        try
        {
            var at = 0;
            var runId = -1;
            var runStart = 0;
            while (at < lines.Length)
            {
                var end = lines[at..].IndexOf((byte)'\n') + at;
                var line = lines[at..end];
                var id = line.IsEmpty || line[0] == (byte)'#' ? -1 : IdOf(DayFileScanner.SeriesKey(line), ref chars, records);
                if (id != runId)
                {
                    if (runId >= 0)
                    {
                        AddRun(runId, new Run(offset + runStart, at - runStart), records);
                    }

                    runId = id;
                    runStart = at;
                }

                at = end + 1;
            }

            if (runId >= 0)
            {
                AddRun(runId, new Run(offset + runStart, at - runStart), records);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private int IdOf(ReadOnlySpan<byte> key, ref char[] chars, ArrayBufferWriter<byte> records)
    {
        if (chars.Length < key.Length)
        {
            ArrayPool<char>.Shared.Return(chars);
            chars = ArrayPool<char>.Shared.Rent(key.Length);
        }

        // Looked up as a span, so a known key (nearly every line's) allocates nothing.
        var count = Encoding.UTF8.GetChars(key, chars);
        if (_ids.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars.AsSpan(0, count), out var id))
        {
            return id;
        }

        var name = new string(chars, 0, count);
        id = Define(name);
        Append(records, $"k {id} {name}\n");
        return id;
    }

    // Copies the series of one group (at most CompactionGroupBytes of lines) in one pass over the day file: their runs,
    // sorted by offset, are read in 1 MB chunks and placed at their series' position in the group's buffer.
    private async Task<long> CopyGroupAsync(
        Microsoft.Win32.SafeHandles.SafeFileHandle source, FileStream target, List<int> group, long at, ArrayBufferWriter<byte> records, CancellationToken cancellationToken)
    {
        var placed = new List<(Run Run, int Destination)>();
        var length = 0;
        foreach (var id in group)
        {
            Append(records, $"k {id} {_keys[id]}\n");
            var start = length;
            foreach (var run in _runs[id])
            {
                placed.Add((run, length));
                length += run.Length;
            }

            if (length > start)
            {
                Append(records, string.Create(CultureInfo.InvariantCulture, $"b {id} {at + start} {length - start}\n"));
            }
        }

        placed.Sort((a, b) => a.Run.Offset.CompareTo(b.Run.Offset));
        var buffer = new byte[length];
        var chunk = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long chunkStart = 0;
            var chunkLength = 0;
            foreach (var (run, destination) in placed)
            {
                for (var copied = 0; copied < run.Length;)
                {
                    var position = run.Offset + copied;
                    if (position < chunkStart || position >= chunkStart + chunkLength)
                    {
                        chunkStart = position;
                        chunkLength = await RandomAccess.ReadAsync(source, chunk, position, cancellationToken).ConfigureAwait(false);
                        if (chunkLength == 0)
                        {
                            throw new IOException($"The day file ended before its indexed run at {run.Offset}.");
                        }
                    }

                    var count = (int)Math.Min(run.Length - copied, chunkStart + chunkLength - position);
                    chunk.AsSpan((int)(position - chunkStart), count).CopyTo(buffer.AsSpan(destination + copied));
                    copied += count;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        await target.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        return length;
    }

    private int Define(string key)
    {
        var id = _keys.Count;
        _ids[key] = id;
        _keys.Add(key);
        _runs.Add([]);
        return id;
    }

    private void AddRun(int id, Run run, ArrayBufferWriter<byte> records)
    {
        _runs[id].Add(run);
        RunCount++;
        Covered = Math.Max(Covered, run.Offset + run.Length);
        Append(records, string.Create(CultureInfo.InvariantCulture, $"b {id} {run.Offset} {run.Length}\n"));
    }

    private static void Append(ArrayBufferWriter<byte> records, string record) => Encoding.UTF8.GetBytes(record, records);

    /// <summary>A stretch of the day file holding complete lines of one series.</summary>
    internal readonly record struct Run(long Offset, int Length);
}
