using System.Collections.Concurrent;

namespace SmartPole.Domain.Poles;

/// <summary>
/// One shared instance of each device id. Ids repeat across poles (<c>lamp-1</c>, <c>env-1</c>) and
/// the decoder makes a fresh string per frame, so a million twins would otherwise keep six million
/// copies of a handful of names. Bounded: past the limit a twin keeps its own copy.
/// </summary>
internal static class DeviceIds
{
    private const int MaxShared = 65_536;

    private static readonly ConcurrentDictionary<string, string> Shared = new(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> ByChars =
        Shared.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The shared instance spelled <paramref name="id"/>, when there is one already (no string is made).</summary>
    public static bool TryGetShared(ReadOnlySpan<char> id, out string shared) => ByChars.TryGetValue(id, out shared!);

    /// <summary>The shared instance equal to <paramref name="id"/>, or <paramref name="id"/> itself.</summary>
    public static string Share(string id)
    {
        if (Shared.TryGetValue(id, out var shared))
        {
            return shared;
        }

        return Shared.Count < MaxShared ? Shared.GetOrAdd(id, id) : id;
    }
}
