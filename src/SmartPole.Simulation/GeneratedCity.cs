using System.Globalization;
using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Simulation.Cities;
using SmartPole.Simulation.Models;

namespace SmartPole.Simulation;

/// <summary>
/// A made-up city of any size, for load tests and cities without a manifest: a grid of streets,
/// 40 m between poles, 50 poles a street, ten streets a district, equipped like the demo city.
/// </summary>
public static class GeneratedCity
{
    private const int PolesPerStreet = 50;
    private const int StreetsPerDistrict = 10;

    /// <summary>
    /// Builds city <paramref name="cityId"/> with <paramref name="poles"/> poles (ids <c>p-000001</c>…),
    /// placed around a point chosen by <paramref name="seed"/>, in <paramref name="timeZone"/>
    /// (default Asia/Shanghai).
    /// </summary>
    public static CityInfo Create(string cityId, int poles, int seed, string timeZone = "Asia/Shanghai")
    {
        if (!Ids.IsValid(cityId))
        {
            throw new ArgumentException($"'{cityId}' is not a valid city id: lowercase [a-z0-9-]{{1,64}}", nameof(cityId));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(poles);
        var origin = SimRandom.Hash((ulong)(uint)seed, SimRandom.StableHash(cityId));
        var lat0 = SimRandom.Range(origin, 1, 23, 40);
        var lon0 = SimRandom.Range(origin, 2, 104, 121);
        var metresPerDegreeLon = 111_000 * Math.Cos(lat0 * Math.PI / 180);
        var list = new List<PoleInfo>(poles);
        for (var i = 0; i < poles; i++)
        {
            var street = i / PolesPerStreet;
            var along = (i % PolesPerStreet) * 40.0;
            var number = (i + 1).ToString("000000", CultureInfo.InvariantCulture);
            var streetNo = (street + 1).ToString(CultureInfo.InvariantCulture);
            var jitter = SimRandom.Range(origin, 100 + (ulong)i, -3, 3);
            list.Add(new PoleInfo(
                $"p-{number}",
                $"{streetNo}号路 {(i % PolesPerStreet) + 1} / Street {streetNo} No. {(i % PolesPerStreet) + 1}",
                Math.Round(lat0 + ((street * 120.0) + jitter) / 111_000, 6),
                Math.Round(lon0 + ((along + jitter) / metresPerDegreeLon), 6),
                $"district-{(street / StreetsPerDistrict) + 1}",
                PoleEquipment.For(i, wideRoad: street % 4 == 0)));
        }

        return new CityInfo(cityId, cityId, cityId, timeZone, list);
    }
}
