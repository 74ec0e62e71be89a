namespace SmartPole.Simulation.Models;

/// <summary>
/// Stateless, seeded pseudo-randomness. Every value is a pure function of (seed, channel, time
/// slot), so a pole's frame at a given time does not depend on how often it was asked before:
/// same seed and same times give byte-identical frames on every machine.
/// </summary>
internal static class SimRandom
{
    /// <summary>SplitMix64's finaliser: a well-mixed 64-bit hash of <paramref name="x"/>.</summary>
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    public static ulong Hash(ulong a, ulong b) => Mix(a ^ Mix(b));

    public static ulong Hash(ulong a, ulong b, ulong c) => Mix(Hash(a, b) ^ Mix(c + 0x632BE59BD9B4E019UL));

    /// <summary>FNV-1a over the UTF-16 code units: unlike string.GetHashCode it is the same in every process.</summary>
    public static ulong StableHash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>A uniform value in [0, 1).</summary>
    public static double Unit(ulong hash) => (hash >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform value in [min, max).</summary>
    public static double Range(ulong seed, ulong channel, double min, double max) => min + ((max - min) * Unit(Hash(seed, channel)));

    /// <summary>
    /// Smooth noise in [-1, 1]: seeded lattice values every <paramref name="periodSeconds"/>,
    /// eased in between, so readings wander instead of jumping from frame to frame.
    /// </summary>
    public static double Smooth(ulong seed, ulong channel, double unixSeconds, double periodSeconds)
    {
        var x = unixSeconds / periodSeconds;
        var cell = Math.Floor(x);
        var f = x - cell;
        var a = (Unit(Hash(seed, channel, (ulong)(long)cell)) * 2) - 1;
        var b = (Unit(Hash(seed, channel, (ulong)((long)cell + 1))) * 2) - 1;
        var eased = f * f * (3 - (2 * f));
        return a + ((b - a) * eased);
    }

    /// <summary>A uniform value in [0, 1) that stays constant within one slot of <paramref name="slotSeconds"/>.</summary>
    public static double Slot(ulong seed, ulong channel, double unixSeconds, double slotSeconds) =>
        Unit(Hash(seed, channel, (ulong)(long)Math.Floor(unixSeconds / slotSeconds)));
}
