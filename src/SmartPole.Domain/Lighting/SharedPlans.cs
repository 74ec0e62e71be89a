using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace SmartPole.Domain.Lighting;

/// <summary>
/// Night plans shared by every pole of a calendar: poles within 0.01° (about 1 km, under 3 s of
/// sun time) use one plan, so a twin keeps no plan of its own and the sun is computed once per
/// night and neighbourhood. Thread-safe: actors of many poles ask at once.
/// </summary>
internal static class SharedPlans
{
    private const int MaxPerCalendar = 50_000;

    private static readonly ConditionalWeakTable<LightingCalendar, ConcurrentDictionary<(DateOnly Night, int Lat, int Lon, string Zone), LightingPlan>> ByCalendar = [];

    public static LightingPlan Get(LightingCalendar calendar, DateOnly night, double latitude, double longitude, TimeZoneInfo timeZone)
    {
        var plans = ByCalendar.GetOrCreateValue(calendar);
        var key = (night, (int)Math.Round(latitude * 100), (int)Math.Round(longitude * 100), timeZone.Id);
        if (plans.TryGetValue(key, out var plan))
        {
            return plan;
        }

        if (plans.Count >= MaxPerCalendar)
        {
            // Old nights are never asked for again; starting over is cheaper than tracking age.
            plans.Clear();
        }

        plan = calendar.Plan(night, key.Item2 / 100.0, key.Item3 / 100.0, timeZone);
        plans.TryAdd(key, plan);
        return plan;
    }
}
