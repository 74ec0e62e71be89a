using Microsoft.AspNetCore.Http.HttpResults;
using SmartPole.Actors;
using SmartPole.Domain.Poles;
using SmartPole.Server.Poles;

namespace SmartPole.Server.Apis;

/// <summary>Cities and their poles: <c>/api/cities</c>.</summary>
internal static class CityApi
{
    public static IEndpointRouteBuilder MapCityApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/cities").WithTags("Cities");
        api.MapGet("/", ListCities).WithSummary("Every city the platform runs");
        api.MapGet("/{city}/poles", ListPoles).WithSummary("Poles of a city with their newest state");
        api.MapGet("/{city}/poles/{pole}", GetPole).WithSummary("One pole: where it stands and its latest readings");
        return app;
    }

    private static Ok<List<CitySummary>> ListCities(CityRegistry registry) =>
        TypedResults.Ok(registry.Cities.Select(c => new CitySummary(c.Id, c.NameZh, c.NameEn, c.TimeZone, c.Poles.Count)).ToList());

    private static Results<Ok<List<PoleSummary>>, ProblemHttpResult> ListPoles(string city, CityRegistry registry, PoleReadModel readModel)
    {
        if (registry.Find(city) is not { } entry)
        {
            return UnknownCity(city);
        }

        var poles = entry.Poles.Values
            .OrderBy(p => p.Id, StringComparer.Ordinal)
            .Select(p => PoleSummary.From(p, readModel.Find(city, p.Id)))
            .ToList();
        return TypedResults.Ok(poles);
    }

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
    public static PoleSummary From(Domain.Cities.PoleInfo info, PoleSnapshot? snapshot) => new(
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
