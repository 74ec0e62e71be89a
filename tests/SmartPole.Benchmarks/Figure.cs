namespace SmartPole.Benchmarks;

/// <summary>
/// One measured quantity over several runs: the median is the figure, min and max show the spread.
/// <paramref name="Conditions"/> says under what it was measured (QoS, flush policy, sizes).
/// </summary>
internal sealed record Figure(string Scenario, string Case, string Subject, string Metric, string Unit, IReadOnlyList<double> Runs, string Conditions)
{
    public double Median => Percentile(Runs, 0.5);

    public double Min => Runs.Count == 0 ? double.NaN : Runs.Min();

    public double Max => Runs.Count == 0 ? double.NaN : Runs.Max();

    /// <summary>The <paramref name="q"/> quantile (0..1) by linear interpolation between order statistics.</summary>
    public static double Percentile(IReadOnlyList<double> values, double q)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }
}
