using System.Runtime.InteropServices;

namespace SmartPole.Actors;

/// <summary>
/// A counter updated from every core on the hot path: one cache line per stripe so cores do not
/// fight over a single shared line. Reads sum the stripes (a snapshot, not atomic across stripes).
/// </summary>
internal sealed class StripedCounter
{
    private readonly PaddedLong[] _stripes = new PaddedLong[Math.Min(64, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount))];

    public void Add(long value) =>
        Interlocked.Add(ref _stripes[Thread.GetCurrentProcessorId() & (_stripes.Length - 1)].Value, value);

    public void Increment() => Add(1);

    public void Decrement() => Add(-1);

    public long Read()
    {
        long sum = 0;
        for (var i = 0; i < _stripes.Length; i++)
        {
            sum += Volatile.Read(ref _stripes[i].Value);
        }

        return sum;
    }

    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedLong
    {
        [FieldOffset(64)]
        public long Value;
    }
}
