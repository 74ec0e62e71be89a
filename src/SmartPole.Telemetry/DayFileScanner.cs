using System.Buffers;
using System.Globalization;

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

    /// <summary>
    /// Calls <paramref name="onLine"/> with every line of <paramref name="runs"/> (sorted by offset) and the index of its
    /// run, reading nothing else but small gaps. The handle was opened with the runs, so a compaction that replaces the
    /// file meanwhile does not move the lines under them.
    /// </summary>
    public static void ReadRuns(Microsoft.Win32.SafeHandles.SafeFileHandle handle, IReadOnlyList<DayIndex.Run> runs, Action<int, ReadOnlySpan<byte>> onLine)
    {
        if (runs.Count == 0)
        {
            return;
        }

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
                        ForEachLine(buffer.AsSpan(from, to - from), i, onLine);
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

    /// <summary>
    /// Reads the timestamp and field <paramref name="escapedKey"/> of a line without decoding the rest: false when the
    /// line has no timestamp or no such field; <paramref name="value"/> is null for a string field.
    /// </summary>
    public static bool TryReadField(ReadOnlySpan<byte> line, ReadOnlySpan<byte> escapedKey, out long time, out double? value)
    {
        time = 0;
        value = null;
        var keyEnd = SeriesKey(line).Length;
        var lastSpace = line.LastIndexOf((byte)' ');
        if (lastSpace <= keyEnd
            || !long.TryParse(line[(lastSpace + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out time))
        {
            return false;
        }

        var fields = line[(keyEnd + 1)..lastSpace];
        var at = 0;
        while (at < fields.Length)
        {
            var equals = UnescapedIndex(fields, at, (byte)'=');
            if (equals < 0)
            {
                return false;
            }

            var start = equals + 1;
            var end = start;
            if (end < fields.Length && fields[end] == (byte)'"')
            {
                // A string value: up to its closing quote (escaped quotes and backslashes inside).
                end++;
                while (end < fields.Length && fields[end] != (byte)'"')
                {
                    end += fields[end] == (byte)'\\' ? 2 : 1;
                }

                end = Math.Min(end + 1, fields.Length);
            }
            else
            {
                var comma = fields[end..].IndexOf((byte)',');
                end = comma < 0 ? fields.Length : end + comma;
            }

            if (fields[at..equals].SequenceEqual(escapedKey))
            {
                value = Scalar(fields[start..end]);
                return true;
            }

            at = end + 1;
        }

        return false;
    }

    // A field value as a number: integer (12i), unsigned (12u), boolean (1/0), float; null for a string.
    private static double? Scalar(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty || text[0] == (byte)'"')
        {
            return null;
        }

        var number = text[^1] is (byte)'i' or (byte)'u' ? text[..^1] : text;
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        return text[0] is (byte)'t' or (byte)'T' ? 1 : text[0] is (byte)'f' or (byte)'F' ? 0 : null;
    }

    private static int UnescapedIndex(ReadOnlySpan<byte> text, int from, byte delimiter)
    {
        for (var i = from; i < text.Length; i++)
        {
            if (text[i] == (byte)'\\')
            {
                i++;
            }
            else if (text[i] == delimiter)
            {
                return i;
            }
        }

        return -1;
    }

    private static void ForEachLine(ReadOnlySpan<byte> text, int run, Action<int, ReadOnlySpan<byte>> onLine)
    {
        while (!text.IsEmpty)
        {
            var end = text.IndexOf((byte)'\n');
            if (end < 0)
            {
                return;
            }

            onLine(run, text[..end]);
            text = text[(end + 1)..];
        }
    }
}
