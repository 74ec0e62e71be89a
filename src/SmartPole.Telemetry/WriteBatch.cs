using System.Text;

namespace SmartPole.Telemetry;

/// <summary>Lines of one precision as one UTF-8 body (each line ends in '\n'), with where each line starts.</summary>
internal sealed class WriteBatch
{
    private readonly byte[] _data;
    private readonly int[] _starts;

    public WriteBatch(byte[] data, int[] starts, WritePrecision precision, long sequence, int firstLine = 0)
    {
        _data = data;
        _starts = starts;
        Precision = precision;
        Sequence = sequence;
        FirstLine = firstLine;
    }

    public WritePrecision Precision { get; }

    /// <summary>The order in which the pump built the batch; spill segments replay in (Sequence, FirstLine) order.</summary>
    public long Sequence { get; }

    /// <summary>Where this batch starts in the batch it was sliced from (0 for a whole batch).</summary>
    public int FirstLine { get; }

    public int LineCount => _starts.Length - 1;

    public int ByteCount => _starts[^1];

    /// <summary>Reads a body back (a spill segment): lines are split on '\n', blank ones skipped.</summary>
    public static WriteBatch FromBody(byte[] data, WritePrecision precision, long sequence, int firstLine)
    {
        var starts = new List<int> { 0 };
        var compact = new MemoryStream(data.Length);
        var at = 0;
        while (at < data.Length)
        {
            var end = Array.IndexOf(data, (byte)'\n', at);
            var next = end < 0 ? data.Length : end + 1;
            var length = (end < 0 ? data.Length : end) - at;
            if (length > 0)
            {
                compact.Write(data, at, length);
                compact.WriteByte((byte)'\n');
                starts.Add((int)compact.Length);
            }

            at = next;
        }

        return new WriteBatch(compact.ToArray(), [.. starts], precision, sequence, firstLine);
    }

    /// <summary>The body of lines [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>).</summary>
    public ReadOnlyMemory<byte> Body(int first, int count) => _data.AsMemory(_starts[first], _starts[first + count] - _starts[first]);

    /// <summary>Line <paramref name="index"/> without its newline.</summary>
    public string Line(int index) => Encoding.UTF8.GetString(_data, _starts[index], _starts[index + 1] - _starts[index] - 1);

    /// <summary>The lines of [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) not in <paramref name="skip"/>.</summary>
    public WriteBatch Without(int first, int count, IReadOnlySet<int> skip)
    {
        var data = new MemoryStream();
        var starts = new List<int> { 0 };
        for (var i = first; i < first + count; i++)
        {
            if (!skip.Contains(i))
            {
                data.Write(_data, _starts[i], _starts[i + 1] - _starts[i]);
                starts.Add((int)data.Length);
            }
        }

        return new WriteBatch(data.ToArray(), [.. starts], Precision, Sequence, FirstLine + first);
    }

    /// <summary>A batch of lines [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>).</summary>
    public WriteBatch Slice(int first, int count)
    {
        if (first == 0 && count == LineCount)
        {
            return this;
        }

        var offset = _starts[first];
        var starts = new int[count + 1];
        for (var i = 0; i <= count; i++)
        {
            starts[i] = _starts[first + i] - offset;
        }

        return new WriteBatch(Body(first, count).ToArray(), starts, Precision, Sequence, FirstLine + first);
    }
}
