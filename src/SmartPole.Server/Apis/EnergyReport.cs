using SmartPole.Domain.Energy;
using SmartPole.Server.Poles;

namespace SmartPole.Server.Apis;

/// <summary>A city's lamp energy per local day, per district and in all, with savings.</summary>
/// <param name="City">City id.</param>
/// <param name="From">First local day.</param>
/// <param name="To">Last local day.</param>
/// <param name="Days">Every day from <paramref name="From"/> to <paramref name="To"/>, in order (a day without readings has zero lamps).</param>
internal sealed record EnergyReport(string City, DateOnly From, DateOnly To, IReadOnlyList<EnergyDay> Days)
{
    /// <summary>Adds up the poles' lamp days; a pole without a district counts under the district "".</summary>
    public static EnergyReport Build(string city, DateOnly from, DateOnly to, IEnumerable<PoleEnergy> poles)
    {
        var lamps = poles.SelectMany(p => p.Days.Select(d => (District: p.District ?? "", p.HasBaseline, Day: d))).ToList();
        var days = new List<EnergyDay>(to.DayNumber - from.DayNumber + 1);
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var that = lamps.Where(l => l.Day.Day == day).ToList();
            days.Add(new EnergyDay(
                day,
                EnergyTotals.Of(that.Select(l => (l.HasBaseline, l.Day))),
                [.. that.GroupBy(l => l.District, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => new DistrictEnergy(g.Key, EnergyTotals.Of(g.Select(l => (l.HasBaseline, l.Day)))))]));
        }

        return new EnergyReport(city, from, to, days);
    }
}
