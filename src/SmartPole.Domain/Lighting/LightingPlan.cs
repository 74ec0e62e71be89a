namespace SmartPole.Domain.Lighting;

/// <summary>One night's program resolved for one place.</summary>
/// <param name="Night">The date of the night's evening (the plan runs noon to noon).</param>
/// <param name="Program">The program's name.</param>
/// <param name="Steps">Its steps as instants, in time order.</param>
/// <param name="Note">Why fixed times replaced solar ones (polar day or night), or null.</param>
public sealed record LightingPlan(DateOnly Night, string Program, IReadOnlyList<PlannedStep> Steps, string? Note)
{
    /// <summary>True when any step fell back to its fixed time.</summary>
    public bool UsedFallback => Note is not null;

    /// <summary>The dim level at <paramref name="at"/> (0 before the first step) and since when it holds.</summary>
    public (double DimPct, DateTimeOffset? Since) LevelAt(DateTimeOffset at)
    {
        var level = 0.0;
        DateTimeOffset? since = null;
        foreach (var step in Steps)
        {
            if (step.At > at)
            {
                break;
            }

            level = step.DimPct;
            since = step.At;
        }

        return (level, since);
    }
}
