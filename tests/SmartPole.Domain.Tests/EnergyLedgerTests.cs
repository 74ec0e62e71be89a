using SmartPole.Domain.Energy;

namespace SmartPole.Domain.Tests;

public sealed class EnergyLedgerTests
{
    private static readonly TimeZoneInfo Shanghai = TwinBuilder.Shanghai;

    // 2026-11-21 00:00 in Shenzhen.
    private static readonly DateTimeOffset Midnight = new(2026, 11, 21, 0, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateOnly Day = new(2026, 11, 21);

    [Fact]
    public void Energy_of_a_day_is_the_growth_of_the_counter()
    {
        var ledger = new EnergyLedger(7);

        ledger.Apply("lamp-1", 100.0, Midnight.AddHours(1), Shanghai);
        ledger.Apply("lamp-1", 100.4, Midnight.AddHours(2), Shanghai);
        ledger.Apply("lamp-1", 101.0, Midnight.AddHours(5), Shanghai);

        Assert.Equal(1.0, ledger.KWh("lamp-1", Day), 9);
    }

    [Fact]
    public void A_meter_reset_counts_the_new_reading_as_energy_since_the_reset()
    {
        var ledger = new EnergyLedger(7);
        ledger.Apply("meter-1", 5000.0, Midnight.AddHours(1), Shanghai);
        ledger.Apply("meter-1", 5002.0, Midnight.AddHours(2), Shanghai);

        ledger.Apply("meter-1", 0.5, Midnight.AddHours(3), Shanghai);
        ledger.Apply("meter-1", 1.5, Midnight.AddHours(4), Shanghai);

        Assert.Equal(2.0 + 0.5 + 1.0, ledger.KWh("meter-1", Day), 9);
    }

    [Fact]
    public void An_out_of_order_reading_is_ignored_and_loses_nothing()
    {
        var inOrder = new EnergyLedger(7);
        var shuffled = new EnergyLedger(7);
        var readings = new[] { (10.0, 1), (10.3, 2), (10.9, 3), (11.2, 4) };

        foreach (var (kWh, hour) in readings)
        {
            inOrder.Apply("lamp-1", kWh, Midnight.AddHours(hour), Shanghai);
        }

        foreach (var (kWh, hour) in new[] { readings[0], readings[2], readings[1], readings[3] })
        {
            shuffled.Apply("lamp-1", kWh, Midnight.AddHours(hour), Shanghai);
        }

        Assert.Equal(1.2, inOrder.KWh("lamp-1", Day), 9);
        Assert.Equal(1.2, shuffled.KWh("lamp-1", Day), 9);
    }

    [Fact]
    public void Energy_between_readings_that_span_midnight_is_shared_in_proportion_to_time()
    {
        var ledger = new EnergyLedger(7);

        ledger.Apply("lamp-1", 0.0, Midnight.AddHours(-1), Shanghai);
        ledger.Apply("lamp-1", 0.4, Midnight.AddHours(3), Shanghai);

        Assert.Equal(0.1, ledger.KWh("lamp-1", Day.AddDays(-1)), 9);
        Assert.Equal(0.3, ledger.KWh("lamp-1", Day), 9);
    }

    [Fact]
    public void Only_the_newest_days_are_kept()
    {
        var ledger = new EnergyLedger(3);

        for (var day = 0; day <= 5; day++)
        {
            ledger.Apply("lamp-1", day, Midnight.AddDays(day).AddHours(12), Shanghai);
        }

        Assert.Equal([Day.AddDays(3), Day.AddDays(4), Day.AddDays(5)], ledger.All().Select(e => e.Day));
    }

    [Fact]
    public void State_round_trip_keeps_days_and_the_last_counter()
    {
        var ledger = new EnergyLedger(7);
        ledger.Apply("lamp-1", 10.0, Midnight.AddHours(1), Shanghai);
        ledger.Apply("lamp-1", 10.5, Midnight.AddHours(2), Shanghai);
        var restored = new EnergyLedger(7);

        restored.Restore(ledger.ToState());
        restored.Apply("lamp-1", 11.0, Midnight.AddHours(3), Shanghai);

        Assert.Equal(1.0, restored.KWh("lamp-1", Day), 9);
    }
}
