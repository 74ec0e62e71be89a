namespace SmartPole.Telemetry;

/// <summary>
/// Gathers lines of one precision, already formatted in UTF-8 (see <see cref="FormattedLines"/>), into the body of the
/// next <see cref="WriteBatch"/>. Called under the writer's lock, so adding is copies only, into a buffer sized for a
/// full batch so it does not regrow while the lock is held.
/// </summary>
internal sealed class BatchBuilder(int batchSize)
{
    private const int MinimumCapacity = 64 * 1024;

    private byte[] _data = GC.AllocateUninitializedArray<byte>(MinimumCapacity);
    private int _length;
    private int[] _starts = new int[batchSize + 1];
    private WritePrecision _precision;

    public int Count { get; private set; }

    /// <summary>Whether a point of <paramref name="precision"/> may join this batch (a batch has one precision).</summary>
    public bool Accepts(WritePrecision precision) => Count == 0 || precision == _precision;

    /// <summary>Adds lines [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of <paramref name="lines"/>, all of one precision.</summary>
    public void Add(FormattedLines lines, int first, int count, WritePrecision precision)
    {
        if (Count == 0)
        {
            _precision = precision;
        }

        var bytes = lines.Bytes(first, count);
        if (_data.Length - _length < bytes.Length)
        {
            Grow(bytes.Length);
        }

        if (_starts.Length - Count - 1 < count)
        {
            Array.Resize(ref _starts, Math.Max(_starts.Length * 2, Count + count + 1));
        }

        bytes.CopyTo(_data.AsSpan(_length));

        // Ends are relative to the scratch; shift them to where the lines landed here.
        var shift = _length - lines.Start(first);
        var ends = lines.Ends(first, count);
        var starts = _starts.AsSpan(Count + 1, count);
        for (var i = 0; i < ends.Length; i++)
        {
            starts[i] = ends[i] + shift;
        }

        _length += bytes.Length;
        Count += count;
    }

    /// <summary>
    /// Hands the gathered lines over as a batch and starts an empty one. A batch that fills most of the buffer takes
    /// the buffer itself (no copy); a small one (cut by age) gets a copy of its bytes and the buffer is kept, so a
    /// queued batch never holds more than twice its bytes and memory stays bounded by the points buffered.
    /// </summary>
    public WriteBatch Build(long sequence)
    {
        var starts = _starts.AsSpan(0, Count + 1).ToArray();
        WriteBatch batch;
        if (_length * 2 < _data.Length)
        {
            batch = new WriteBatch(_data.AsSpan(0, _length).ToArray(), starts, _precision, sequence);
        }
        else
        {
            batch = new WriteBatch(_data, starts, _precision, sequence);

            // Sized for a full batch of lines like these, so the next one does not grow through every size again.
            var perLine = (long)_length / Count;
            var full = perLine * (_starts.Length - 1);
            var capacity = (int)Math.Min(Array.MaxLength, Math.Max(MinimumCapacity, full + (full / 8)));
            _data = GC.AllocateUninitializedArray<byte>(capacity);
        }

        _length = 0;
        Count = 0;
        return batch;
    }

    private void Grow(int needed)
    {
        var size = (int)Math.Min(Array.MaxLength, Math.Max((long)_data.Length * 2, (long)_length + needed));
        var grown = GC.AllocateUninitializedArray<byte>(size);
        _data.AsSpan(0, _length).CopyTo(grown);
        _data = grown;
    }
}
