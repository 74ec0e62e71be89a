using System.Buffers;

namespace SmartPole.Telemetry;

/// <summary>
/// Byte-level reads of an embedded day file: the runs of complete lines from an offset on (to index them), and the
/// indexed runs of chosen series (to answer a query), so lines of other series are never read or decoded.
/// </summary>
internal static class DayFileScanner
{
    private const int ChunkSize = 1 << 20;

    // Runs closer than this are read in one request: one larger read beats many tiny ones.
    private const int MergeGap = 16 * 1024;

    /// <summary>The series key of a line: the bytes before its first unescaped space (the whole line if none).</summary>
    public static ReadOnlySpan<byte> SeriesKey(ReadOnlySpan<byte> line)
    {
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == (byte)'\\')
            {
                i++;
            }
            else if (line[i] == (byte)' ')
            {
                return line[..i];
            }
        }

        return line;
    }

    /// <summary>
    /// Hands out runs of complete lines from <paramref name="offset"/> on, each with where it starts in the file; a line
    /// cut by a read is carried into the next, and a last line without its newline (an append in progress, or torn) is left out.
    /// </summary>
    public static async Task ForEachLineRunAsync(string path, long offset, Action<long, ReadOnlyMemory<byte>> onRun, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var carried = 0;
            while (true)
            {
                if (carried == buffer.Length)
                {
                    // One line longer than the buffer: grow it.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, carried).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(carried), offset + carried, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                var filled = carried + read;
                var lastNewline = buffer.AsSpan(0, filled).LastIndexOf((byte)'\n');
                if (lastNewline < 0)
                {
                    carried = filled;
                    continue;
                }

                onRun(offset, buffer.AsMemory(0, lastNewline + 1));
                offset += lastNewline + 1;
                carried = filled - lastNewline - 1;
                buffer.AsSpan(lastNewline + 1, carried).CopyTo(buffer);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Calls <paramref name="onLine"/> with every line of <paramref name="runs"/> (sorted by offset), reading nothing else but small gaps.</summary>
    public static void ReadRuns(string path, IReadOnlyList<DayIndex.Run> runs, Action<ReadOnlySpan<byte>> onLine)
    {
        if (runs.Count == 0)
        {
            return;
        }

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var first = 0;
            while (first < runs.Count)
            {
                // Gather the runs that fit one read.
                var start = runs[first].Offset;
                var last = first;
                while (last + 1 < runs.Count
                    && runs[last + 1].Offset - (runs[last].Offset + runs[last].Length) <= MergeGap
                    && runs[last + 1].Offset + runs[last + 1].Length - start <= buffer.Length)
                {
                    last++;
                }

                var length = (int)(runs[last].Offset + runs[last].Length - start);
                if (length > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(length);
                }

                var read = RandomAccess.Read(handle, buffer.AsSpan(0, length), start);
                for (var i = first; i <= last; i++)
                {
                    var from = (int)(runs[i].Offset - start);
                    var to = Math.Min(read, from + runs[i].Length);
                    if (from < to)
                    {
                        ForEachLine(buffer.AsSpan(from, to - from), onLine);
                    }
                }

                first = last + 1;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void ForEachLine(ReadOnlySpan<byte> text, Action<ReadOnlySpan<byte>> onLine)
    {
        while (!text.IsEmpty)
        {
            var end = text.IndexOf((byte)'\n');
            if (end < 0)
            {
                return;
            }

            onLine(text[..end]);
            text = text[(end + 1)..];
        }
    }
}
