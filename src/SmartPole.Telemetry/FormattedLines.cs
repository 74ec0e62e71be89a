namespace SmartPole.Telemetry;

/// <summary>
/// Lines formatted on the caller's thread before the writer takes its lock, so the lock covers one copy instead of
/// the formatting. Each line ends in '\n' and keeps its precision (a batch has one precision). Reused per thread.
/// </summary>
internal sealed class FormattedLines
{
    /// <summary>Past this many bytes the caller hands the lines over before formatting more: the scratch stays small.</summary>
    public const int FlushBytes = 64 * 1024;

    private readonly LineBuffer _buffer = new(4 * 1024);
    private int[] _ends = new int[16];
    private WritePrecision[] _precisions = new WritePrecision[16];

    public int Count { get; private set; }

    public int ByteCount => _buffer.WrittenCount;

    public void Clear()
    {
        _buffer.Clear();
        Count = 0;
    }

    /// <summary>Formats <paramref name="point"/> in its own precision; a point without timestamp gets <paramref name="defaultTime"/>.</summary>
    public void Add(PointData point, DateTimeOffset defaultTime)
    {
        var start = _buffer.WrittenCount;
        try
        {
            point.WriteLineProtocol(_buffer, point.Precision, defaultTime);
            _buffer.Append((byte)'\n');
        }
        catch
        {
            // Never leave half a line behind: rewind to where this line started.
            _buffer.Truncate(start);
            throw;
        }

        if (Count == _ends.Length)
        {
            Array.Resize(ref _ends, Count * 2);
            Array.Resize(ref _precisions, Count * 2);
        }

        _ends[Count] = _buffer.WrittenCount;
        _precisions[Count] = point.Precision;
        Count++;
    }

    public WritePrecision Precision(int line) => _precisions[line];

    /// <summary>How many lines from <paramref name="first"/> on share its precision.</summary>
    public int RunLength(int first)
    {
        var precision = _precisions[first];
        var end = first + 1;
        while (end < Count && _precisions[end] == precision)
        {
            end++;
        }

        return end - first;
    }

    /// <summary>Where line <paramref name="line"/> starts (line <see cref="Count"/> "starts" at the end).</summary>
    public int Start(int line) => line == 0 ? 0 : _ends[line - 1];

    /// <summary>The bytes of lines [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>).</summary>
    public ReadOnlySpan<byte> Bytes(int first, int count) => _buffer.WrittenSpan[Start(first)..Start(first + count)];

    /// <summary>The end offsets of lines [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>).</summary>
    public ReadOnlySpan<int> Ends(int first, int count) => _ends.AsSpan(first, count);
}
