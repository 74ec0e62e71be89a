using System.Buffers;
using System.Text;

namespace SmartPole.Telemetry;

/// <summary>
/// Byte-level passes over an embedded day file: collecting its series keys, and finding the lines of chosen series
/// with a vectorized search for <c>{series key} </c> at line starts, so lines of other series are never decoded.
/// </summary>
internal static class DayFileScanner
{
    private const int ChunkSize = 1 << 20;

    /// <summary>Adds the series key (the text before the first unescaped space) of every complete line of <paramref name="text"/>.</summary>
    public static void CollectSeriesKeys(ReadOnlySpan<byte> text, HashSet<string> keys)
    {
        var lookup = keys.GetAlternateLookup<ReadOnlySpan<char>>();
        var chars = new char[256];
        while (!text.IsEmpty)
        {
            var end = text.IndexOf((byte)'\n');
            if (end < 0)
            {
                return;
            }

            var line = text[..end];
            text = text[(end + 1)..];
            if (line.IsEmpty || line[0] == (byte)'#')
            {
                continue;
            }

            var keyEnd = KeyEnd(line);
            if (keyEnd > 0 && keyEnd < line.Length)
            {
                var key = line[..keyEnd];
                if (chars.Length < key.Length)
                {
                    chars = new char[key.Length];
                }

                // Looked up as a span so that a key already known (nearly every line's) allocates nothing.
                var count = Encoding.UTF8.GetChars(key, chars);
                lookup.Add(chars.AsSpan(0, count));
            }
        }
    }

    /// <summary>Reads the whole file and collects its series keys.</summary>
    public static async Task<HashSet<string>> ReadSeriesKeysAsync(string path, CancellationToken cancellationToken)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        await ForEachChunkAsync(path, chunk => CollectSeriesKeys(chunk.Span, keys), cancellationToken).ConfigureAwait(false);
        return keys;
    }

    /// <summary>Calls <paramref name="onLine"/> with every complete line whose series key is one of <paramref name="seriesKeys"/>.</summary>
    public static Task ScanAsync(string path, IReadOnlyList<string> seriesKeys, Action<string> onLine, CancellationToken cancellationToken)
    {
        var patterns = seriesKeys.Select(k => Encoding.UTF8.GetBytes(k + " ")).ToList();
        return ForEachChunkAsync(
            path,
            chunk =>
            {
                var text = chunk.Span;
                foreach (var pattern in patterns)
                {
                    var at = 0;
                    while (at < text.Length)
                    {
                        var found = text[at..].IndexOf(pattern);
                        if (found < 0)
                        {
                            break;
                        }

                        var start = at + found;
                        var end = text[start..].IndexOf((byte)'\n') + start;
                        if (start == 0 || text[start - 1] == (byte)'\n')
                        {
                            onLine(Encoding.UTF8.GetString(text[start..end]));
                        }

                        at = end + 1;
                    }
                }
            },
            cancellationToken);
    }

    // Hands out runs of complete lines; a line cut by the chunk boundary is carried into the next read, and a
    // last line without its newline (an append in progress, or torn) is left out.
    private static async Task ForEachChunkAsync(string path, Action<ReadOnlyMemory<byte>> onChunk, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long offset = 0;
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

                var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(carried), offset, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                offset += read;
                var filled = carried + read;
                var lastNewline = buffer.AsSpan(0, filled).LastIndexOf((byte)'\n');
                if (lastNewline < 0)
                {
                    carried = filled;
                    continue;
                }

                onChunk(buffer.AsMemory(0, lastNewline + 1));
                carried = filled - lastNewline - 1;
                buffer.AsSpan(lastNewline + 1, carried).CopyTo(buffer);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int KeyEnd(ReadOnlySpan<byte> line)
    {
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == (byte)'\\')
            {
                i++;
            }
            else if (line[i] == (byte)' ')
            {
                return i;
            }
        }

        return line.Length;
    }
}
