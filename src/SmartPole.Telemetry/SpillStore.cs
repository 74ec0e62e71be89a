using System.Globalization;

namespace SmartPole.Telemetry;

/// <summary>
/// Disk segments of batches InfluxDB could not take yet, oldest first: one file per batch,
/// <c>{sequence}.{first line}.{unique}.{precision}.lp</c>, replayed in batch order, written to a temporary name, synced and then renamed so a crash never
/// leaves half a segment to replay. Beyond the quota the oldest segments are evicted and their lines reported;
/// the segment being replayed is evicted too, but its fate is settled by its replay (sent, or then dropped).
/// </summary>
internal sealed class SpillStore
{
    private const string Extension = ".lp";

    private readonly string _directory;
    private readonly long _quotaBytes;
    private readonly Lock _gate = new();
    private readonly LinkedList<SpillSegment> _segments = new();
    private long _bytes;
    private long _lines;
    private SpillSegment? _replaying;
    private bool _replayingEvicted;

    public SpillStore(string directory, long quotaBytes)
    {
        _directory = directory;
        _quotaBytes = quotaBytes;
        Directory.CreateDirectory(directory);
        foreach (var stale in Directory.EnumerateFiles(directory, "*.tmp"))
        {
            File.Delete(stale);
        }

        var found = new List<SpillSegment>();
        foreach (var path in Directory.EnumerateFiles(directory, "*" + Extension))
        {
            var parts = Path.GetFileName(path).Split('.');
            if (parts.Length == 5
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var firstLine)
                && Enum.TryParse<WritePrecision>(parts[3], out var precision))
            {
                var bytes = File.ReadAllBytes(path);
                var lines = WriteBatch.FromBody(bytes, precision, sequence, firstLine).LineCount;
                found.Add(new SpillSegment(path, sequence, firstLine, precision, bytes.Length, lines));
            }
        }

        foreach (var segment in found.OrderBy(s => s.Sequence).ThenBy(s => s.FirstLine))
        {
            _segments.AddLast(segment);
            _bytes += segment.Bytes;
            _lines += segment.Lines;
            NextSequence = segment.Sequence + 1;
        }
    }

    /// <summary>The first batch sequence after those found on disk, so a new writer's batches queue behind them.</summary>
    public long NextSequence { get; }

    /// <summary>Lines waiting on disk.</summary>
    public long Lines
    {
        get
        {
            lock (_gate)
            {
                return _lines;
            }
        }
    }

    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _segments.Count == 0;
            }
        }
    }

    /// <summary>Appends <paramref name="batch"/> as the newest segment; returns the lines evicted to stay within the quota.</summary>
    public long Append(WriteBatch batch)
    {
        // The unique part keeps a re-spilled slice of a segment from colliding with the segment itself.
        var name = $"{batch.Sequence:D20}.{batch.FirstLine:D10}.{Guid.NewGuid():N}.{batch.Precision}{Extension}";
        var path = Path.Combine(_directory, name);
        var temporary = path + ".tmp";
        if (batch.ByteCount > _quotaBytes)
        {
            return batch.LineCount;
        }

        using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
        {
            stream.Write(batch.Body(0, batch.LineCount).Span);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path);
        long evicted = 0;
        lock (_gate)
        {
            var segment = new SpillSegment(path, batch.Sequence, batch.FirstLine, batch.Precision, batch.ByteCount, batch.LineCount);

            // Batches in flight together may fail in any order: insert by batch order, not by arrival.
            var after = _segments.Last;
            while (after is not null && (after.Value.Sequence, after.Value.FirstLine).CompareTo((batch.Sequence, batch.FirstLine)) > 0)
            {
                after = after.Previous;
            }

            if (after is null)
            {
                _segments.AddFirst(segment);
            }
            else
            {
                _segments.AddAfter(after, segment);
            }

            _bytes += segment.Bytes;
            _lines += segment.Lines;
            var node = _segments.First;
            while (_bytes > _quotaBytes && node is not null)
            {
                var next = node.Next;
                if (node.Value == _replaying)
                {
                    // Its lines stay counted on disk until the replay in flight settles them.
                    _segments.Remove(node);
                    _bytes -= node.Value.Bytes;
                    _replayingEvicted = true;
                    TryDelete(node.Value.Path);
                }
                else
                {
                    // Strictly oldest first, even when that is the segment just written (a late, older batch).
                    Forget(node);
                    TryDelete(node.Value.Path);
                    evicted += node.Value.Lines;
                }

                node = next;
            }
        }

        return evicted;
    }

    /// <summary>The oldest segment and its lines, marked as being replayed; null when none.</summary>
    public (SpillSegment Segment, WriteBatch Batch)? TakeOldest()
    {
        SpillSegment? segment;
        lock (_gate)
        {
            segment = _segments.First?.Value;
            _replaying = segment;
        }

        return segment is null ? null : (segment, WriteBatch.FromBody(File.ReadAllBytes(segment.Path), segment.Precision, segment.Sequence, segment.FirstLine));
    }

    /// <summary>Deletes a replayed segment.</summary>
    public void Complete(SpillSegment segment)
    {
        lock (_gate)
        {
            if (_replayingEvicted && segment == _replaying)
            {
                _lines -= segment.Lines;
            }
            else if (_segments.Find(segment) is { } node)
            {
                Forget(node);
            }

            _replaying = null;
            _replayingEvicted = false;
        }

        TryDelete(segment.Path);
    }

    /// <summary>Forgets the oldest segment (its file cannot be read) and returns its line count.</summary>
    public long DiscardOldest()
    {
        SpillSegment? segment;
        lock (_gate)
        {
            var node = _segments.First;
            if (node is null)
            {
                return 0;
            }

            segment = node.Value;
            Forget(node);
            _replaying = null;
            _replayingEvicted = false;
        }

        TryDelete(segment.Path);
        return segment.Lines;
    }

    /// <summary>Ends a replay that did not get through; returns the lines lost if the quota evicted the segment meanwhile.</summary>
    public long Release()
    {
        lock (_gate)
        {
            long lost = 0;
            if (_replayingEvicted && _replaying is not null)
            {
                lost = _replaying.Lines;
                _lines -= lost;
            }

            _replaying = null;
            _replayingEvicted = false;
            return lost;
        }
    }

    private void Forget(LinkedListNode<SpillSegment> node)
    {
        _segments.Remove(node);
        _bytes -= node.Value.Bytes;
        _lines -= node.Value.Lines;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Forgotten in memory already; a leftover file is replayed once more after a restart, and InfluxDB
            // overwrites identical points, so the worst case is a repeated write, never a lost one.
        }
    }
}
