namespace SmartPole.Telemetry;

/// <summary>Gathers lines of one precision, formatted straight into UTF-8, into the body of the next <see cref="WriteBatch"/>.</summary>
internal sealed class BatchBuilder
{
    private const int MinimumCapacity = 64 * 1024;

    private LineBuffer _buffer = new(MinimumCapacity);
    private List<int> _starts = [0];
    private WritePrecision _precision;

    public int Count => _starts.Count - 1;

    /// <summary>Whether a point of <paramref name="precision"/> may join this batch (a batch has one precision).</summary>
    public bool Accepts(WritePrecision precision) => Count == 0 || precision == _precision;

    /// <summary>Adds the point's line; a point without timestamp gets <paramref name="defaultTime"/>.</summary>
    public void Add(PointData point, DateTimeOffset defaultTime)
    {
        if (Count == 0)
        {
            _precision = point.Precision;
        }

        var start = _buffer.WrittenCount;
        try
        {
            point.WriteLineProtocol(_buffer, _precision, defaultTime);
            _buffer.Append((byte)'\n');
        }
        catch
        {
            // Never leave half a line in a batch: rewind to where this line started.
            _buffer.Truncate(start);
            throw;
        }

        _starts.Add(_buffer.WrittenCount);
    }

    /// <summary>Hands the gathered lines over as a batch (without copying them) and starts an empty one.</summary>
    public WriteBatch Build(long sequence)
    {
        var batch = new WriteBatch(_buffer.Array, [.. _starts], _precision, sequence);

        // The next batch is likely as large: start there instead of growing through every size again.
        _buffer = new LineBuffer(Math.Max(MinimumCapacity, batch.ByteCount + (batch.ByteCount / 8)));
        _starts = [0];
        return batch;
    }
}
