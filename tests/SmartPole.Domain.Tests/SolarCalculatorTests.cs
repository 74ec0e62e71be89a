using System.Globalization;
using SmartPole.Domain.Lighting;

namespace SmartPole.Domain.Tests;

public sealed class SolarCalculatorTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    // No published sunrise table for these exact coordinates was reachable while this was written,
    // so the reference is an independent method: the sunrise/sunset algorithm of the "Almanac for
    // Computers, 1990" (Nautical Almanac Office, United States Naval Observatory; a different,
    // low-order solar theory from NOAA's Meeus-based one), evaluated outside this repository for
    // 2026 at 22.5° N 114.06° E (Shenzhen) and 45.8° N 126.6° E (Harbin), UTC+8, zenith 90°50'.
    // Both solstices and both equinoxes are included. Published tables are checked further down.
    public static TheoryData<int, int, string, string> Shenzhen2026 => new()
    {
        { 1, 1, "07:03:42", "17:50:45" },
        { 2, 1, "07:03:06", "18:11:52" },
        { 3, 1, "06:45:44", "18:27:10" },
        { 3, 20, "06:28:37", "18:34:41" },
        { 4, 1, "06:17:11", "18:38:54" },
        { 5, 1, "05:51:56", "18:50:16" },
        { 6, 1, "05:39:01", "19:04:05" },
        { 6, 21, "05:39:55", "19:10:49" },
        { 7, 1, "05:42:36", "19:12:14" },
        { 8, 1, "05:54:59", "19:04:55" },
        { 9, 1, "06:06:08", "18:41:23" },
        { 9, 23, "06:12:32", "18:19:48" },
        { 10, 1, "06:14:58", "18:11:57" },
        { 11, 1, "06:27:48", "17:46:44" },
        { 12, 1, "06:46:34", "17:38:32" },
        { 12, 21, "06:58:51", "17:44:19" },
    };

    public static TheoryData<int, int, string, string> Harbin2026 => new()
    {
        { 1, 1, "07:14:57", "15:59:16" },
        { 2, 1, "06:56:30", "16:38:32" },
        { 3, 1, "06:13:49", "17:19:15" },
        { 3, 20, "05:38:20", "17:45:10" },
        { 4, 1, "05:15:16", "18:00:59" },
        { 5, 1, "04:22:14", "18:40:05" },
        { 6, 1, "03:47:34", "19:15:26" },
        { 6, 21, "03:43:23", "19:27:02" },
        { 7, 1, "03:47:04", "19:27:20" },
        { 8, 1, "04:15:36", "19:03:37" },
        { 9, 1, "04:53:30", "18:13:15" },
        { 9, 23, "05:20:44", "17:30:49" },
        { 10, 1, "05:30:50", "17:15:18" },
        { 11, 1, "06:12:35", "16:21:12" },
        { 12, 1, "06:53:23", "15:51:07" },
        { 12, 21, "07:11:23", "15:51:25" },
    };

    // Published: Finnish Meteorological Institute figures for the December solstice as tabulated in
    // Wikipedia's "Template:December solstice" (http://en.wikipedia.org/wiki/Template:December_solstice):
    // sunrise and sunset in local clock time, shown as whole minutes (truncated: 15:53:48 shows 15:53).
    public static TheoryData<string, string, double, double, int, int, string, string> DecemberSolstice => new()
    {
        { "Helsinki", "Europe/Helsinki", 60.1699, 24.9384, 2022, 21, "09:23", "15:12" },
        { "Oslo", "Europe/Oslo", 59.9139, 10.7522, 2022, 21, "09:17", "15:11" },
        { "Stockholm", "Europe/Stockholm", 59.3293, 18.0686, 2022, 21, "08:43", "14:47" },
        { "Berlin", "Europe/Berlin", 52.52, 13.405, 2015, 22, "08:15", "15:54" },
        { "London", "Europe/London", 51.5074, -0.1278, 2015, 22, "08:04", "15:53" },
        { "Madrid", "Europe/Madrid", 40.4168, -3.7038, 2015, 22, "08:34", "17:51" },
        { "Cairo", "Africa/Cairo", 30.0444, 31.2357, 2015, 22, "06:47", "16:59" },
    };

    // Published: whattime.city, "Sunrise and sunset in Hong Kong", table "Sunrise and sunset on the 1st
    // of each month" (https://whattime.city/hong-kong/sun), for Hong Kong at 22.32° N 114.17° E,
    // Asia/Hong_Kong (UTC+8, no daylight saving), whole minutes. The page does not state the year;
    // on a given date the times move by well under a minute from year to year.
    public static TheoryData<int, string, string> HongKongFirstOfMonth => new()
    {
        { 1, "07:04", "17:51" },
        { 2, "07:03", "18:12" },
        { 3, "06:46", "18:28" },
        { 4, "06:17", "18:39" },
        { 5, "05:52", "18:50" },
        { 6, "05:40", "19:04" },
        { 7, "05:43", "19:12" },
        { 8, "05:56", "19:05" },
        { 9, "06:07", "18:42" },
        { 10, "06:15", "18:13" },
        { 11, "06:28", "17:47" },
        { 12, "06:47", "17:39" },
    };

    [Theory]
    [MemberData(nameof(HongKongFirstOfMonth))]
    public void Hong_kong_sunrise_and_sunset_are_within_two_minutes_of_the_published_monthly_table(int month, string sunrise, string sunset)
    {
        var date = new DateOnly(2026, month, 1);

        var sun = SolarCalculator.Compute(date, 22.32, 114.17, TimeZoneInfo.FindSystemTimeZoneById("Asia/Hong_Kong"));

        AssertWithin(date, sunrise + ":00", sun.Sunrise, TimeSpan.FromMinutes(2));
        AssertWithin(date, sunset + ":00", sun.Sunset, TimeSpan.FromMinutes(2));
    }

    [Theory]
    [MemberData(nameof(Shenzhen2026))]
    public void Shenzhen_sunrise_and_sunset_agree_with_the_almanac_algorithm_within_a_minute(int month, int day, string sunrise, string sunset)
    {
        var date = new DateOnly(2026, month, day);

        var sun = SolarCalculator.Compute(date, 22.5, 114.06, Shanghai);

        AssertWithin(date, sunrise, sun.Sunrise, TimeSpan.FromMinutes(1));
        AssertWithin(date, sunset, sun.Sunset, TimeSpan.FromMinutes(1));
    }

    [Theory]
    [MemberData(nameof(Harbin2026))]
    public void Harbin_sunrise_and_sunset_agree_with_the_almanac_algorithm_within_a_minute(int month, int day, string sunrise, string sunset)
    {
        var date = new DateOnly(2026, month, day);

        var sun = SolarCalculator.Compute(date, 45.8, 126.6, Shanghai);

        AssertWithin(date, sunrise, sun.Sunrise, TimeSpan.FromMinutes(1));
        AssertWithin(date, sunset, sun.Sunset, TimeSpan.FromMinutes(1));
    }

    [Theory]
    [MemberData(nameof(DecemberSolstice))]
    public void December_solstice_times_are_within_a_minute_of_the_published_minute(string city, string zone, double latitude, double longitude, int year, int day, string sunrise, string sunset)
    {
        var date = new DateOnly(year, 12, day);

        var sun = SolarCalculator.Compute(date, latitude, longitude, TimeZoneInfo.FindSystemTimeZoneById(zone));

        Assert.True(WithinTruncatedMinute(sunrise, sun.Sunrise!.Value), $"{city} sunrise {sun.Sunrise:HH:mm:ss} vs published {sunrise}");
        Assert.True(WithinTruncatedMinute(sunset, sun.Sunset!.Value), $"{city} sunset {sun.Sunset:HH:mm:ss} vs published {sunset}");
    }

    [Theory]
    // Published: Astronomy Answers, "The Position of the Sun: Tables", table 1, row 01-01 (2002),
    // http://aa.quae.nl/en/antwoorden/zonpositie-tabel.html — local mean time, i.e. UTC at longitude 0.
    [InlineData(22, "06:39")]
    [InlineData(46, "07:42")]
    public void New_year_sunrise_matches_the_astronomy_answers_table(double latitude, string sunrise)
    {
        var date = new DateOnly(2002, 1, 1);

        var sun = SolarCalculator.Compute(date, latitude, 0, TimeZoneInfo.Utc);

        AssertWithin(date, sunrise + ":00", sun.Sunrise, TimeSpan.FromMinutes(1));
    }

    [Theory]
    [InlineData(12, 21, SolarDayKind.PolarNight)]
    [InlineData(6, 21, SolarDayKind.PolarDay)]
    public void Tromso_has_no_sunrise_or_sunset_at_the_solstices(int month, int day, SolarDayKind kind)
    {
        var sun = SolarCalculator.Compute(new DateOnly(2026, month, day), 69.65, 18.96, TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo"));

        Assert.Equal(kind, sun.Kind);
        Assert.Null(sun.Sunrise);
        Assert.Null(sun.Sunset);
    }

    [Fact]
    public void Times_are_in_the_city_zone_and_on_the_asked_date_far_from_greenwich()
    {
        var sun = SolarCalculator.Compute(new DateOnly(2026, 6, 21), 22.5, 114.06, Shanghai);

        Assert.Equal(TimeSpan.FromHours(8), sun.Sunrise!.Value.Offset);
        Assert.Equal(new DateOnly(2026, 6, 21), DateOnly.FromDateTime(sun.Sunrise.Value.DateTime));
        Assert.True(sun.Sunrise < sun.Sunset);
    }

    private static void AssertWithin(DateOnly date, string expected, DateTimeOffset? actual, TimeSpan tolerance)
    {
        Assert.NotNull(actual);
        Assert.Equal(date, DateOnly.FromDateTime(actual.Value.DateTime));
        var reference = TimeOnly.ParseExact(expected, "HH:mm:ss", CultureInfo.InvariantCulture);
        var difference = (TimeOnly.FromDateTime(actual.Value.DateTime) - reference).Duration();
        if (difference > TimeSpan.FromHours(12))
        {
            difference = TimeSpan.FromDays(1) - difference;
        }

        Assert.True(difference <= tolerance, $"{date}: computed {actual:HH:mm:ss}, reference {expected}");
    }

    // A published whole minute m (truncated) means the event is in [m, m+1); within a minute of that interval.
    private static bool WithinTruncatedMinute(string published, DateTimeOffset computed)
    {
        var start = TimeOnly.ParseExact(published, "HH:mm", CultureInfo.InvariantCulture).ToTimeSpan();
        var at = computed.TimeOfDay;
        return at >= start - TimeSpan.FromMinutes(1) && at < start + TimeSpan.FromMinutes(2);
    }
}
