using SmartPole.Domain.Cities;
using SmartPole.Simulation.Cities;
using SmartPole.Simulation.Models;

namespace SmartPole.Simulation;

/// <summary>
/// The demo city: 300 poles along the main roads of Shenzhen's Futian district (深圳 · 福田区).
/// Coordinates follow the roads' course (straight segments on the centre line — wide roads carry
/// double-arm median poles — 45–50 m apart, a few metres of fixed jitter). The simulator and the server's
/// demo mode both run these poles.
/// </summary>
public static class DemoCity
{
    /// <summary>The district id every demo pole carries.</summary>
    public const string District = "futian";

    private static readonly Lazy<CityInfo> LazyShenzhen = new(BuildShenzhen);

    /// <summary>Shenzhen (id <c>shenzhen</c>, Asia/Shanghai) with its 300 Futian poles, ids like <c>ft-shennan-001</c>.</summary>
    public static CityInfo Shenzhen => LazyShenzhen.Value;

    private static CityInfo BuildShenzhen()
    {
        // (id, Chinese, English, wide road?, start lat, start lon, bearing: true = east, false = north, count, spacing m)
        var roads = new (string Id, string Zh, string En, bool Wide, double Lat, double Lon, bool East, int Count, double SpacingM)[]
        {
            ("shennan", "深南大道", "Shennan Blvd", true, 22.5405, 114.0380, true, 70, 50),
            ("hongli", "红荔路", "Hongli Rd", false, 22.5480, 114.0450, true, 40, 45),
            ("binhe", "滨河大道", "Binhe Blvd", true, 22.5255, 114.0400, true, 45, 50),
            ("xinzhou", "新洲路", "Xinzhou Rd", false, 22.5275, 114.0440, false, 30, 45),
            ("yitian", "益田路", "Yitian Rd", false, 22.5275, 114.0550, false, 30, 45),
            ("jintian", "金田路", "Jintian Rd", false, 22.5275, 114.0650, false, 30, 45),
            ("caitian", "彩田路", "Caitian Rd", false, 22.5275, 114.0700, false, 30, 45),
            ("huanggang", "皇岗路", "Huanggang Rd", true, 22.5275, 114.0750, false, 25, 45),
        };

        const double MetresPerDegreeLat = 111_000;
        var metresPerDegreeLon = MetresPerDegreeLat * Math.Cos(22.54 * Math.PI / 180);
        var jitterSeed = SimRandom.StableHash("futian-demo");
        var poles = new List<PoleInfo>(300);
        foreach (var road in roads)
        {
            for (var i = 0; i < road.Count; i++)
            {
                var along = i * road.SpacingM;

                var jitterAlong = SimRandom.Range(jitterSeed, (ulong)poles.Count * 2, -3, 3);
                var jitterAcross = SimRandom.Range(jitterSeed, ((ulong)poles.Count * 2) + 1, -2, 2);
                var (north, east) = road.East ? (jitterAcross, along + jitterAlong) : (along + jitterAlong, jitterAcross);
                var number = (i + 1).ToString("000", System.Globalization.CultureInfo.InvariantCulture);
                poles.Add(new PoleInfo(
                    $"ft-{road.Id}-{number}",
                    $"{road.Zh} {number} / {road.En} {number}",
                    Math.Round(road.Lat + (north / MetresPerDegreeLat), 6),
                    Math.Round(road.Lon + (east / metresPerDegreeLon), 6),
                    District,
                    PoleEquipment.For(poles.Count, road.Wide)));
            }
        }

        return new CityInfo("shenzhen", "深圳", "Shenzhen", "Asia/Shanghai", poles);
    }
}
