using System.Text;
using System.Text.Json;
using SmartPole.Domain.Lighting;
using SmartPole.Domain.Poles;
using static SmartPole.Domain.Tests.TwinBuilder;

namespace SmartPole.Domain.Tests;

public sealed class LightingCalendarTests
{
    private static readonly TimeZoneInfo Oslo = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");

    private static readonly LightingProgram Weekday = new("weekday",
    [
        LightingStep.AtSunset(TimeSpan.FromMinutes(-15), 100, new TimeOnly(15, 0)),
        LightingStep.Fixed(new TimeOnly(23, 0), 60),
        LightingStep.Fixed(new TimeOnly(1, 0), 30),
        LightingStep.AtSunrise(TimeSpan.FromMinutes(15), 0, new TimeOnly(9, 0)),
    ]);

    private static readonly LightingProgram Festival = new("festival",
    [
        LightingStep.Fixed(new TimeOnly(17, 0), 100),
        LightingStep.Fixed(new TimeOnly(7, 30), 0),
    ]);

    private static readonly LightingCalendar Calendar = new(
        [Weekday, Festival, new LightingProgram("weekend", [LightingStep.AtSunset(TimeSpan.Zero, 80, new TimeOnly(16, 0)), LightingStep.AtSunrise(TimeSpan.Zero, 0, new TimeOnly(8, 0))])],
        [
            new CalendarRule("festival", new DateOnly(2026, 2, 16), new DateOnly(2026, 2, 22)),
            new CalendarRule("weekend", Weekdays: [DayOfWeek.Saturday, DayOfWeek.Sunday]),
        ],
        "weekday");

    [Theory]
    [InlineData(2026, 2, 18, "festival")] // a Wednesday inside the date range: the first rule wins
    [InlineData(2026, 2, 28, "weekend")]  // a Saturday
    [InlineData(2026, 3, 2, "weekday")]   // a Monday: no rule, the default
    public void The_first_matching_rule_chooses_the_program(int year, int month, int day, string program)
    {
        Assert.Equal(program, Calendar.ProgramFor(new DateOnly(year, month, day)).Name);
    }

    [Fact]
    public void A_plan_puts_sunset_steps_on_the_evening_and_sunrise_and_morning_steps_on_the_next_day()
    {
        var night = new DateOnly(2026, 6, 22); // Monday

        var plan = Calendar.Plan(night, 22.5, 114.06, Shanghai);

        var sunset = SolarCalculator.Compute(night, 22.5, 114.06, Shanghai).Sunset!.Value;
        var sunrise = SolarCalculator.Compute(night.AddDays(1), 22.5, 114.06, Shanghai).Sunrise!.Value;
        Assert.Equal(
            [sunset.AddMinutes(-15), new DateTimeOffset(2026, 6, 22, 23, 0, 0, TimeSpan.FromHours(8)), new DateTimeOffset(2026, 6, 23, 1, 0, 0, TimeSpan.FromHours(8)), sunrise.AddMinutes(15)],
            plan.Steps.Select(s => s.At));
        Assert.False(plan.UsedFallback);
    }

    [Theory]
    [InlineData("2026-06-22T12:30:00+08:00", 0)]   // afternoon: off
    [InlineData("2026-06-22T19:00:00+08:00", 100)] // after sunset − 15 min
    [InlineData("2026-06-22T23:30:00+08:00", 60)]
    [InlineData("2026-06-23T03:00:00+08:00", 30)]
    [InlineData("2026-06-23T06:30:00+08:00", 0)]   // after sunrise + 15 min
    public void Desired_level_is_the_latest_step_of_the_night(string at, double dimPct)
    {
        var decision = Calendar.DesiredAt(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture), 22.5, 114.06, Shanghai);

        Assert.Equal(dimPct, decision.DimPct);
        Assert.Equal("weekday", decision.Program);
    }

    [Theory]
    [InlineData(12, 21, "polar night")]
    [InlineData(6, 22, "midnight sun")]
    public void In_Tromso_at_the_solstices_solar_steps_fall_back_to_their_fixed_times_and_say_so(int month, int day, string reason)
    {
        var night = new DateOnly(2026, month, day);

        var plan = Calendar.Plan(night, 69.65, 18.96, Oslo);
        var decision = Calendar.DesiredAt(new DateTimeOffset(night.ToDateTime(new TimeOnly(15, 30)), Oslo.GetUtcOffset(night.ToDateTime(new TimeOnly(15, 30)))), 69.65, 18.96, Oslo);

        Assert.True(plan.UsedFallback);
        Assert.Contains(reason, plan.Note, StringComparison.Ordinal);
        Assert.Equal(new TimeOnly(15, 0), TimeOnly.FromDateTime(plan.Steps[0].At.DateTime));
        Assert.Equal(new TimeOnly(9, 0), TimeOnly.FromDateTime(plan.Steps[^1].At.DateTime));
        Assert.True(plan.Steps[0].Fallback && plan.Steps[^1].Fallback && !plan.Steps[1].Fallback);
        Assert.True(decision.UsedFallback);
        Assert.Equal(100, decision.DimPct);
    }

    [Fact]
    public void The_config_payload_is_what_the_simulator_reads()
    {
        var plan = Calendar.Plan(new DateOnly(2026, 2, 18), 22.5, 114.06, Shanghai); // festival: 17:00 on, 07:30 off
        var config = new DesiredConfig(15, LightingConfig.From(plan, Shanghai), Alarms.CityThresholds.Default, plan.Night, plan.Program);

        using var json = JsonDocument.Parse(config.ToUtf8());

        var root = json.RootElement;
        Assert.Equal(15, root.GetProperty("intervalS").GetInt32());
        var lighting = root.GetProperty("lighting");
        Assert.Equal("17:00", lighting.GetProperty("onAt").GetString());
        Assert.Equal("07:30", lighting.GetProperty("offAt").GetString());
        Assert.Equal("""[{"at":"17:00","dimPct":100}]""", lighting.GetProperty("steps").GetRawText());
        Assert.Equal(3, root.GetProperty("thresholds").GetProperty("tiltDeg").GetDouble());
    }

    [Fact]
    public void The_config_of_a_dimming_night_lists_every_burning_step_in_local_time()
    {
        var plan = Calendar.Plan(new DateOnly(2026, 6, 22), 22.5, 114.06, Shanghai);

        var config = LightingConfig.From(plan, Shanghai);

        Assert.Equal([100, 60, 30], config.Steps.Select(s => s.DimPct));
        Assert.Equal(new TimeOnly(23, 0), config.Steps[1].At);
        Assert.Equal(TimeOnly.FromDateTime(plan.Steps[^1].At.DateTime), config.OffAt);
    }

    [Fact]
    public void The_twin_announces_a_new_config_when_the_next_night_starts_and_not_before()
    {
        // A 12 h interval keeps the staleness deadline (36 h) behind the next night's start.
        var (twin, time) = Twin(Settings() with { Lighting = Calendar, ReportingInterval = TimeSpan.FromHours(12) });
        twin.Report(time, Reading("lamp-1", DeviceKind.Lighting, ("on", false)));
        var first = Assert.Single(twin.Events<DesiredConfigChanged>()).Config;
        var nextNight = twin.NextDeadline;

        time.SetUtcNow(nextNight!.Value.AddSeconds(-1));
        twin.Report(time, Reading("lamp-1", DeviceKind.Lighting, ("on", false)));
        twin.OnTimer();
        var before = twin.Events<DesiredConfigChanged>();
        time.Advance(TimeSpan.FromSeconds(1));
        twin.OnTimer();
        var second = Assert.Single(twin.Events<DesiredConfigChanged>()).Config;

        Assert.Equal(new DateOnly(2026, 11, 21), first.Night);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.FromHours(8)), nextNight);
        Assert.Empty(before);
        Assert.Equal(new DateOnly(2026, 11, 22), second.Night);
        Assert.Equal(12, first.IntervalS / 3600);
        Assert.NotEqual(Encoding.UTF8.GetString(first.ToUtf8()), Encoding.UTF8.GetString(second.ToUtf8()));
    }

    [Fact]
    public void A_calendar_that_names_a_missing_program_says_which()
    {
        var broken = new LightingCalendar([Weekday], [], "nightly");

        var error = Assert.Throws<InvalidOperationException>(() => broken.ProgramFor(new DateOnly(2026, 1, 1)));

        Assert.Contains("'nightly'", error.Message, StringComparison.Ordinal);
    }
}
