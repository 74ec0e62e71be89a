using Microsoft.AspNetCore.Http.HttpResults;
using System.Globalization;
using SmartPole.Actors;
using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Poles;
using SmartPole.Server.Poles;

namespace SmartPole.Server.Apis;

/// <summary>Cities and their poles: <c>/api/cities</c>.</summary>
internal static class CityApi
{
    // Larger than any city the platform is sized for, so an unpaged list is still one answer.
    private const int MaxPage = 100_000;

    public static IEndpointRouteBuilder MapCityApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/cities").WithTags("Cities");
        api.MapGet("/", ListCities).WithSummary("Every city the platform runs");
        api.MapGet("/{city}/poles", ListPoles).WithSummary("Poles of a city with their newest state; filter by status, device kind and district; page with offset and limit (X-Total-Count holds the number matched)");
        api.MapGet("/{city}/kpis", GetKpis).WithSummary("The city's fleet KPIs now: poles online, lights on, lighting power, 5G users, mean PM2.5/PM10, open alarms by severity");
        api.MapGet("/{city}/poles/{pole}", GetPole).WithSummary("One pole: where it stands and its latest readings");
        return app;
    }

    private static Ok<List<CitySummary>> ListCities(CityRegistry registry) =>
        TypedResults.Ok(registry.Cities.Select(c => new CitySummary(c.Id, c.NameZh, c.NameEn, c.TimeZone, c.Poles.Count)).ToList());

    // Filters are ANDed; the page is taken after filtering, in pole id order, and the header
    // X-Total-Count says how many matched in all.
    private static Results<Ok<List<PoleSummary>>, ProblemHttpResult> ListPoles(
        string city, CityRegistry registry, PoleReadModel readModel, HttpResponse response,
        string? status, string? kind, string? district, int? offset, int? limit)
    {
        if (registry.Find(city) is not { } entry)
        {
            return UnknownCity(city);
        }

        PoleStatus? wantedStatus = null;
        if (status is not null)
        {
            if (!Enum.TryParse<PoleStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(status, out _))
            {
                return BadQuery($"status '{status}' is not one of: unknown, online, offline.");
            }

            wantedStatus = parsed;
        }

        DeviceKind? wantedKind = null;
        if (kind is not null)
        {
            if (!MetricCatalog.TryGetKind(kind, out var parsed))
            {
                return BadQuery($"kind '{kind}' is not a device kind: {string.Join(", ", MetricCatalog.Kinds.Select(MetricCatalog.WireName))}.");
            }

            wantedKind = parsed;
        }

        if (offset is < 0 || limit is < 1 or > MaxPage)
        {
            return BadQuery($"offset must be 0 or more and limit between 1 and {MaxPage}.");
        }

        var matching = entry.Poles.Values
            .Where(p => district is null || string.Equals(p.District, district, StringComparison.OrdinalIgnoreCase))
            .Select(p => PoleSummary.From(p, readModel.Find(city, p.Id)))
            .Where(p => wantedStatus is null || p.Status == wantedStatus)
            .Where(p => wantedKind is null || HasKind(entry.Poles[p.Id], readModel.Find(city, p.Id), wantedKind.Value))
            .OrderBy(p => p.Id, StringComparer.Ordinal)
            .ToList();
        response.Headers["X-Total-Count"] = matching.Count.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Ok(matching.Skip(offset ?? 0).Take(limit ?? MaxPage).ToList());
    }

    // The registry knows the devices of seeded poles; a pole registered by its first frame is known by its readings.
    private static bool HasKind(PoleInfo info, PoleSnapshot? snapshot, DeviceKind kind) =>
        info.Devices.Any(d => d.Kind == kind)
        || (snapshot?.Devices.Any(d => MetricCatalog.TryGetKind(d.Kind, out var seen) && seen == kind) ?? false);

    private static ProblemHttpResult BadQuery(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid query", detail: detail);

    private static Results<Ok<FleetKpis>, ProblemHttpResult> GetKpis(string city, CityRegistry registry, PoleReadModel readModel, TimeProvider timeProvider) =>
        registry.Find(city) is not { } entry
            ? UnknownCity(city)
            : TypedResults.Ok(FleetKpiCalculator.Compute(city, entry.Poles.Count, readModel, timeProvider.GetUtcNow()));

    private static async Task<Results<Ok<PoleDetail>, ProblemHttpResult>> GetPole(
        string city, string pole, CityRegistry registry, ActorHost<PoleActor> actors, CancellationToken cancellationToken)
    {
        if (registry.Find(city) is null)
        {
            return UnknownCity(city);
        }

        if (registry.Find(city, pole) is not { } info)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown pole", detail: $"City '{city}' has no pole '{pole}'.");
        }

        var snapshot = await actors.AskAsync(PoleKey.Of(city, pole), (actor, _) => actor.SnapshotAsync(), cancellationToken);
        return TypedResults.Ok(new PoleDetail(PoleSummary.From(info, snapshot), snapshot.Devices));
    }

    private static ProblemHttpResult UnknownCity(string city) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown city", detail: $"No city '{city}'.");
}

/// <summary>A city in the list.</summary>
internal sealed record CitySummary(string Id, string NameZh, string NameEn, string TimeZone, int Poles);

/// <summary>A pole in a city's list.</summary>
internal sealed record PoleSummary(
    string Id, string Name, double? Latitude, double? Longitude, string? District,
    DateTimeOffset? LastSeen, long Seq, long LostFrames, IReadOnlyList<string> Devices, PoleStatus Status)
{
    public static PoleSummary From(PoleInfo info, PoleSnapshot? snapshot) => new(
        info.Id,
        info.Name,
        double.IsFinite(info.Latitude) ? info.Latitude : null,
        double.IsFinite(info.Longitude) ? info.Longitude : null,
        info.District,
        snapshot?.LastSeen,
        snapshot?.Seq ?? -1,
        snapshot?.LostFrames ?? 0,
        snapshot is null ? info.Devices.Select(d => d.Id).ToList() : snapshot.Devices.Select(d => d.Id).ToList(),
        snapshot?.Status ?? PoleStatus.Unknown);
}

/// <summary>One pole with its latest readings.</summary>
internal sealed record PoleDetail(PoleSummary Pole, IReadOnlyList<DeviceSnapshot> Devices);
