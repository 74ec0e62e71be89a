using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
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

    // Ready = the embedded broker listens (when it runs) and the stores are open (they open at startup or
    // fail it). In bridge mode an unreachable external broker makes it "degraded", still 200: the dashboard
    // and the history stay useful, and taking the node out of service would not bring the broker back.
    private static Results<Ok<Readiness>, JsonHttpResult<Readiness>> Ready(MqttEdgeService edge, MqttBridgeService bridge, IOptions<MqttEdgeOptions> options)
    {
        var port = edge.EndPoint?.Port;
        var bridgeStatus = bridge.Broker is { } broker ? new BridgeReadiness(broker, bridge.IsConnected, bridge.LastError) : null;
        var status = options.Value.EmbeddedBroker && port is null ? "starting"
            : bridgeStatus is { Connected: false } or { Error: not null } ? "degraded"
            : "ready";
        var readiness = new Readiness(status, port, bridgeStatus);
        return status == "starting"
            ? TypedResults.Json(readiness, statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Ok(readiness);
    }
}

/// <summary>Readiness, where the embedded broker listens, and the bridge's state in bridge mode.</summary>
internal sealed record Readiness(string Status, int? MqttPort, BridgeReadiness? ExternalBroker);

/// <summary>The external broker (no credentials), whether it is connected, and what went wrong last.</summary>
internal sealed record BridgeReadiness(string Broker, bool Connected, string? Error);
