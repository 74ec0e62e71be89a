using SmartPole.Domain.Energy;

namespace SmartPole.Server.Apis;

/// <summary>Lamp energy of a group of lamps on one day.</summary>
/// <param name="Lamps">Lamps metered that day.</param>
/// <param name="ActualKWh">Metered energy of all of them.</param>
/// <param name="BaselineKWh">Rated power × hours of darkness, over the lamps whose pole's coordinates are known.</param>
/// <param name="SavedKWh">Baseline minus metered energy, over those same lamps.</param>
/// <param name="SavedPct">Saved share of the baseline in %, 0 without a baseline.</param>
/// <param name="LampsWithoutBaseline">Lamps on poles without coordinates: in <paramref name="ActualKWh"/>, not in the savings.</param>
internal sealed record EnergyTotals(int Lamps, double ActualKWh, double BaselineKWh, double SavedKWh, double SavedPct, int LampsWithoutBaseline)
{
    /// <summary>Sums lamp days; savings only over lamps that have a baseline, so an unknown baseline never counts as saved.</summary>
    public static EnergyTotals Of(IEnumerable<(bool HasBaseline, EnergySavings Day)> lamps)
    {
        int count = 0, without = 0;
        double actual = 0, baseline = 0, baselineActual = 0;
        foreach (var (hasBaseline, day) in lamps)
        {
            count++;
            actual += day.ActualKWh;
            if (hasBaseline)
            {
                baseline += day.BaselineKWh;
                baselineActual += day.ActualKWh;
            }
            else
            {
                without++;
            }
        }

        var saved = baseline - baselineActual;
        return new EnergyTotals(count, actual, baseline, saved, baseline > 0 ? saved / baseline * 100 : 0, without);
    }
}
