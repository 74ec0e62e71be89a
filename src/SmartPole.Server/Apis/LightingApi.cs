using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartPole.Actors;
using SmartPole.Domain.Lighting;
using SmartPole.Server.Poles;

namespace SmartPole.Server.Apis;

/// <summary>
/// Lighting calendars (<c>/api/cities/{city}/poles/{pole}/calendar</c>) and the energy report
/// (<c>/api/cities/{city}/energy</c>). Both are read from the pole actors, which keep the schedule and
/// the metered energy of their twin.
/// </summary>
internal static class LightingApi
{
    // A report is built by asking every pole of the city; a month keeps the answer and the work bounded.
    private const int MaxReportDays = 31;

    public static IEndpointRouteBuilder MapLightingApi(this IEndpointRouteBuilder app)
    {
        var city = app.MapGroup("/api/cities/{city}").WithTags("Lighting and energy");
        city.MapGet("/poles/{pole}/calendar", GetCalendar).WithSummary("The lighting calendar a pole follows: its own, else its city's");
        city.MapPut("/poles/{pole}/calendar", PutCalendar).WithSummary("Give a pole a lighting calendar of its own; the pole is sent its new lighting config");
        city.MapDelete("/poles/{pole}/calendar", DeleteCalendar).WithSummary("Drop a pole's own lighting calendar: it follows its city's again");
        city.MapGet("/energy", GetEnergy).WithSummary("Lamp energy per local day, per district and for the city, with savings against burning at rated power all night (from, to: yyyy-MM-dd, default the last 7 days)");
        return app;
    }

    private static async Task<Results<Ok<PoleCalendar>, ProblemHttpResult>> GetCalendar(
        string city, string pole, CityRegistry registry, ActorHost<PoleActor> actors, CancellationToken cancellationToken) =>
        registry.Find(city, pole) is null
            ? UnknownPole(city, pole)
            : TypedResults.Ok(await actors.AskAsync(PoleKey.Of(city, pole), (actor, _) => actor.CalendarAsync(), cancellationToken));

    private static async Task<Results<Ok<PoleCalendar>, ProblemHttpResult>> PutCalendar(
        string city, string pole, LightingCalendar? calendar, CityRegistry registry, ActorHost<PoleActor> actors, CancellationToken cancellationToken)
    {
        if (registry.Find(city, pole) is null)
        {
            return UnknownPole(city, pole);
        }

        if (Problem(calendar) is { } problem)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid lighting calendar", detail: problem);
        }

        return TypedResults.Ok(await actors.AskAsync(PoleKey.Of(city, pole), (actor, _) => actor.SetCalendarAsync(calendar), cancellationToken));
    }

    private static async Task<Results<Ok<PoleCalendar>, ProblemHttpResult>> DeleteCalendar(
        string city, string pole, CityRegistry registry, ActorHost<PoleActor> actors, CancellationToken cancellationToken) =>
        registry.Find(city, pole) is null
            ? UnknownPole(city, pole)
            : TypedResults.Ok(await actors.AskAsync(PoleKey.Of(city, pole), (actor, _) => actor.SetCalendarAsync(null), cancellationToken));

    private static async Task<Results<Ok<EnergyReport>, ProblemHttpResult>> GetEnergy(
        string city, string? from, string? to, CityRegistry registry, ActorHost<PoleActor> actors, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (registry.Find(city) is not { } entry)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown city", detail: $"No city '{city}'.");
        }

        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(entry.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(timeProvider.GetUtcNow(), zone).DateTime);
        if (!TryDay(to, today, out var last) || !TryDay(from, last.AddDays(-6), out var first))
        {
            return BadQuery("from and to are local dates, yyyy-MM-dd.");
        }

        if (first > last || last.DayNumber - first.DayNumber >= MaxReportDays)
        {
            return BadQuery($"from must not be after to, and a report covers at most {MaxReportDays} days.");
        }

        var poles = await Task.WhenAll(entry.Poles.Keys.Select(pole =>
            actors.AskAsync(PoleKey.Of(city, pole), (actor, _) => actor.EnergyAsync(first, last), cancellationToken).AsTask()));
        return TypedResults.Ok(EnergyReport.Build(city, first, last, poles));
    }

    private static bool TryDay(string? text, DateOnly fallback, out DateOnly day)
    {
        day = fallback;
        return text is null || DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    // What makes a calendar unusable, or null. The twin trusts a calendar it is given: a wrong one must stop here.
    private static string? Problem(LightingCalendar? calendar)
    {
        if (calendar?.Programs is not { Count: > 0 } programs || calendar.Rules is null || string.IsNullOrEmpty(calendar.DefaultProgram))
        {
            return "A calendar needs 'programs' (at least one), 'rules' (may be empty) and 'defaultProgram'.";
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var program in programs)
        {
            if (string.IsNullOrEmpty(program?.Name) || !names.Add(program.Name))
            {
                return "Every program needs a name of its own.";
            }

            if (program.Steps is not { Count: > 0 } steps || steps.Any(s => s is null || !double.IsFinite(s.DimPct) || s.DimPct is < 0 or > 100 || s.Offset.Duration() > TimeSpan.FromHours(12)))
            {
                return $"Program '{program.Name}' needs steps with dimPct from 0 to 100 and an offset of at most 12 hours.";
            }
        }

        if (!names.Contains(calendar.DefaultProgram))
        {
            return $"The default program '{calendar.DefaultProgram}' is not among the programs.";
        }

        return calendar.Rules.FirstOrDefault(r => r is null || !names.Contains(r.Program)) is { } rule
            ? $"A rule names program '{rule?.Program}', which is not among the programs."
            : null;
    }

    private static ProblemHttpResult UnknownPole(string city, string pole) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown pole", detail: $"City '{city}' has no pole '{pole}'.");

    private static ProblemHttpResult BadQuery(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid query", detail: detail);
}
