using System.Collections.Concurrent;
using SmartPole.Domain.Cities;

namespace SmartPole.Server.Poles;

/// <summary>
/// The cities and poles the platform knows. Held in memory for now: seeded by the demo city and
/// grown by poles that publish in a city (registration on first frame, per the wire contract).
/// </summary>
internal sealed class CityRegistry
{
    private readonly ConcurrentDictionary<string, CityEntry> _cities = new(StringComparer.Ordinal);

    /// <summary>Every city, ordered by id.</summary>
    public IEnumerable<CityEntry> Cities => _cities.Values.OrderBy(c => c.Id, StringComparer.Ordinal);

    /// <summary>Adds or replaces a city with its poles.</summary>
    public CityEntry AddCity(CityInfo city)
    {
        var entry = new CityEntry(city.Id, city.NameZh, city.NameEn, city.TimeZone);
        foreach (var pole in city.Poles)
        {
            entry.Poles[pole.Id] = pole;
        }

        _cities[city.Id] = entry;
        return entry;
    }

    /// <summary>The city, or null.</summary>
    public CityEntry? Find(string city) => _cities.GetValueOrDefault(city);

    /// <summary>The pole, or null.</summary>
    public PoleInfo? Find(string city, string pole) => Find(city)?.Poles.GetValueOrDefault(pole);

    /// <summary>Registers a pole seen for the first time (no coordinates known yet). Returns true when it was new.</summary>
    public bool EnsurePole(string city, string pole)
    {
        var entry = _cities.GetOrAdd(city, id => new CityEntry(id, id, id, "UTC"));
        return entry.Poles.TryAdd(pole, new PoleInfo(pole, pole, double.NaN, double.NaN, null, []));
    }

    /// <summary>A city and its poles.</summary>
    internal sealed record CityEntry(string Id, string NameZh, string NameEn, string TimeZone)
    {
        /// <summary>Poles by id.</summary>
        public ConcurrentDictionary<string, PoleInfo> Poles { get; } = new(StringComparer.Ordinal);
    }
}
