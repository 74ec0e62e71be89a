using Microsoft.AspNetCore.Http.HttpResults;
using SmartPole.Server.Ingest;

namespace SmartPole.Server.Apis;

/// <summary>Liveness and readiness: <c>/health/live</c>, <c>/health/ready</c>.</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").WithTags("Health");
        health.MapGet("/live", () => TypedResults.Ok(new { status = "live" }));
        health.MapGet("/ready", Ready);
        return app;
    }

    // Ready = the broker listens (when enabled) and the stores are open (they open at startup or fail it).
    private static Results<Ok<Readiness>, JsonHttpResult<Readiness>> Ready(MqttEdgeService edge, IConfiguration configuration)
    {
        var mqttEnabled = configuration.GetValue("Mqtt:Enabled", true);
        var port = edge.EndPoint?.Port;
        var readiness = new Readiness(mqttEnabled && port is null ? "starting" : "ready", port);
        return readiness.Status == "ready"
            ? TypedResults.Ok(readiness)
            : TypedResults.Json(readiness, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

/// <summary>Readiness and where the embedded broker listens.</summary>
internal sealed record Readiness(string Status, int? MqttPort);
