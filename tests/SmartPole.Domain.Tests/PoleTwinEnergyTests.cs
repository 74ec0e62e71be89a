using SmartPole.Domain.Lighting;
using static SmartPole.Domain.Tests.TwinBuilder;

namespace SmartPole.Domain.Tests;

public sealed class PoleTwinEnergyTests
{
    [Fact]
    public void Savings_compare_metered_energy_with_rated_power_through_the_hours_of_darkness()
    {
        var day = new DateOnly(2026, 11, 22);
        var midnight = new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.FromHours(8));
        var (twin, time) = Twin(Settings(lighting: false), midnight);
        twin.Report(time, Reading("lamp-1", DeviceKind.Lighting, ("energyKWh", 500.0)));
        time.Advance(TimeSpan.FromDays(1));
        twin.Report(time, Reading("lamp-1", DeviceKind.Lighting, ("energyKWh", 500.6)));

        var savings = twin.Savings("lamp-1", day)!;

        var sun = SolarCalculator.Compute(day, 22.5, 114.06, Shanghai);
        var darkHours = 24 - (sun.Sunset!.Value - sun.Sunrise!.Value).TotalHours;
        Assert.Equal(0.120 * darkHours, savings.BaselineKWh, 6); // 120 W rated from the registry
        Assert.Equal(0.6, savings.ActualKWh, 6);
        Assert.Equal(savings.BaselineKWh - 0.6, savings.SavedKWh, 6);
        Assert.Equal((savings.BaselineKWh - 0.6) / savings.BaselineKWh * 100, savings.SavedPct, 6);
        Assert.InRange(darkHours, 13, 14); // late November at 22.5° N
    }

    [Fact]
    public void Energy_is_counted_per_device_from_frames_and_duplicate_frames_count_once()
    {
        var (twin, time) = Twin(Settings(lighting: false));
        twin.Report(time, Reading("meter-1", DeviceKind.Meter, ("energyKWh", 10.0)));
        time.Advance(TimeSpan.FromMinutes(30));
        var frame = Frame(twin.LastSeq + 1, time.GetUtcNow(), Reading("meter-1", DeviceKind.Meter, ("energyKWh", 11.0)));

        twin.Apply(frame);
        twin.Apply(frame);

        Assert.Equal(1.0, twin.EnergyKWh("meter-1", new DateOnly(2026, 11, 21)), 9);
        Assert.Equal("meter-1", Assert.Single(twin.Energy).Device);
    }

    [Fact]
    public void Savings_need_the_poles_coordinates()
    {
        var (twin, _) = Twin(Settings(lighting: false) with { Pole = null });

        Assert.Null(twin.Savings("lamp-1", new DateOnly(2026, 11, 21)));
    }
}
