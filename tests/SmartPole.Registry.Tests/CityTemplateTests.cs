using SmartPole.Domain.Alarms;
using SmartPole.Domain.Lighting;
using SmartPole.Registry.Onboarding;

namespace SmartPole.Registry.Tests;

public sealed class CityTemplateTests
{
    private static readonly LightingProgram Weekday = new("weekday",
    [
        LightingStep.AtSunset(TimeSpan.FromMinutes(15), 100, new TimeOnly(18, 30)),
        LightingStep.Fixed(new TimeOnly(23, 0), 30),
        LightingStep.AtSunrise(TimeSpan.FromMinutes(-5), 0, new TimeOnly(6, 30)),
    ]);

    private static readonly CitySettings ShenzhenSettings = new()
    {
        Lighting = new LightingCalendar([Weekday, LightingProgram.DuskToDawn], [new CalendarRule("duskToDawn", Weekdays: [DayOfWeek.Saturday])], "weekday"),
        Thresholds = new CityThresholds { Pm25 = 60, NoiseNightDb = 50 },
        ReportingIntervalS = 20,
        Dashboard = new Dictionary<string, string> { ["mapZoom"] = "12", ["layers"] = "lamps,alarms" },
    };

    [Fact]
    public async Task A_city_from_a_template_copies_schedules_thresholds_and_dashboard()
    {
        await using var registry = await TestRegistry.CreateAsync(withCity: false);
        await registry.Store.CreateCityAsync(new CityRecord("shenzhen", "深圳", "Shenzhen", "Asia/Shanghai", TestRegistry.Bounds, ShenzhenSettings), "test");
        var madrid = new CityBounds(40.3, -3.8, 40.5, -3.6);

        var created = await registry.Store.CreateCityFromTemplateAsync("shenzhen", "madrid", "马德里", "Madrid", "Europe/Madrid", madrid, "test");
        var stored = await registry.Store.FindCityAsync("madrid");

        Assert.NotNull(stored);
        Assert.Equal(created.Settings.Lighting.Programs.Select(p => p.Name), stored.Settings.Lighting.Programs.Select(p => p.Name));
        Assert.Equal("weekday", stored.Settings.Lighting.DefaultProgram);
        Assert.Equal([DayOfWeek.Saturday], stored.Settings.Lighting.Rules.Single().Weekdays!);
        Assert.Equal(60, stored.Settings.Thresholds.Pm25);
        Assert.Equal(50, stored.Settings.Thresholds.NoiseNightDb);
        Assert.Equal(20, stored.Settings.ReportingIntervalS);
        Assert.Equal("lamps,alarms", stored.Settings.Dashboard["layers"]);
        Assert.Equal("Europe/Madrid", stored.TimeZone);
    }

    [Fact]
    public void Sun_anchored_fallbacks_move_to_the_new_place_and_fixed_steps_stay_local_clock_times()
    {
        var madrid = new CityBounds(40.3, -3.8, 40.5, -3.6);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Madrid");
        var equinox = SolarCalculator.Compute(new DateOnly(2026, 3, 20), 40.4, -3.7, zone);

        var localised = CityTemplate.Localise(ShenzhenSettings, madrid, zone, 2026);
        var steps = localised.Lighting.Programs.Single(p => p.Name == "weekday").Steps;

        var sunset = equinox.Sunset!.Value.AddMinutes(15);
        var sunrise = equinox.Sunrise!.Value.AddMinutes(-5);
        Assert.Equal(new TimeOnly(sunset.Hour, sunset.Minute), steps[0].At);
        Assert.Equal(StepAnchor.Sunset, steps[0].Anchor);
        Assert.Equal(TimeSpan.FromMinutes(15), steps[0].Offset);
        Assert.True(steps[0].At > new TimeOnly(19, 0), $"Madrid's equinox sunset is after 19:00 CET, got {steps[0].At}");
        Assert.Equal(new TimeOnly(23, 0), steps[1].At);
        Assert.Equal(new TimeOnly(sunrise.Hour, sunrise.Minute), steps[2].At);
    }

    [Fact]
    public async Task A_missing_template_or_unknown_time_zone_creates_nothing()
    {
        await using var registry = await TestRegistry.CreateAsync();

        var noTemplate = await Assert.ThrowsAsync<RegistryException>(() =>
            registry.Store.CreateCityFromTemplateAsync("atlantis", "x1", "一", "One", "UTC", TestRegistry.Bounds, "test"));
        var badZone = await Assert.ThrowsAsync<RegistryException>(() =>
            registry.Store.CreateCityFromTemplateAsync(TestRegistry.City, "x2", "二", "Two", "Nowhere/Else", TestRegistry.Bounds, "test"));

        Assert.Equal(RegistryErrorKind.NotFound, noTemplate.Kind);
        Assert.Equal(RegistryErrorKind.Invalid, badZone.Kind);
        Assert.Single(await registry.Store.ListCitiesAsync());
    }
}
