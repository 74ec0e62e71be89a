using System.Runtime.CompilerServices;

namespace SmartPole.Telemetry;

/// <summary>
/// The escaped UTF-8 bytes of names and tag values seen more than once, keyed by the string instance: points of a
/// hot path reuse the same measurement, key and tag value strings, so after the second sighting their bytes are
/// copied instead of being escaped and encoded again. A direct-mapped table: a collision just replaces the entry,
/// and a string seen once (a fresh instance per point) costs one reference store, not an allocation.
/// </summary>
internal static class EscapedNameCache
{
    private const int Size = 4096;
    private static readonly Entry?[] Entries = new Entry?[Size];
    private static readonly string?[] SeenOnce = new string?[Size];

    /// <summary>The escaped UTF-8 of <paramref name="name"/>, or null the first time this instance is seen (escape it directly then).</summary>
    public static byte[]? Get(string name, LineProtocol.NameKind kind)
    {
        var slot = (RuntimeHelpers.GetHashCode(name) ^ (int)kind) & (Size - 1);
        var entry = Volatile.Read(ref Entries[slot]);
        if (entry is not null && ReferenceEquals(entry.Name, name) && entry.Kind == kind)
        {
            return entry.Bytes;
        }

        if (!ReferenceEquals(Volatile.Read(ref SeenOnce[slot]), name))
        {
            Volatile.Write(ref SeenOnce[slot], name);
            return null;
        }

        var bytes = LineProtocol.EscapedUtf8(name, kind);
        Volatile.Write(ref Entries[slot], new Entry(name, kind, bytes));
        return bytes;
    }

    private sealed record Entry(string Name, LineProtocol.NameKind Kind, byte[] Bytes);
}
