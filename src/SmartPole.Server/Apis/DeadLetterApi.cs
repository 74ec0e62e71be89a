using Microsoft.AspNetCore.Http.HttpResults;
using SmartPole.Server.Ingest;

namespace SmartPole.Server.Apis;

/// <summary>Input the platform refused: <c>/api/deadletters</c>.</summary>
internal static class DeadLetterApi
{
    public static IEndpointRouteBuilder MapDeadLetterApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/deadletters", List).WithTags("Dead letters").WithSummary("Count and most recent refused input, newest first");
        return app;
    }

    private static Ok<DeadLetterPage> List(DeadLetterLog log, int? limit) =>
        TypedResults.Ok(new DeadLetterPage(log.Total, log.Recent(Math.Clamp(limit ?? 100, 1, DeadLetterLog.Capacity))));
}

/// <summary>The dead-letter count and the newest letters.</summary>
internal sealed record DeadLetterPage(long Total, IReadOnlyList<DeadLetter> Recent);
