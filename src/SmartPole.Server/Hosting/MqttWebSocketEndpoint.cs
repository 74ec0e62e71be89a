using System.Net.WebSockets;
using SmartPole.Server.Ingest;

namespace SmartPole.Server.Hosting;

/// <summary>MQTT over WebSocket at <c>/mqtt</c> on the HTTP host, served by the embedded broker (MQTT §6).</summary>
internal static class MqttWebSocketEndpoint
{
    /// <summary>The WebSocket subprotocol MQTT 3.1.1 and 5.0 clients ask for (§6.0).</summary>
    public const string SubProtocol = "mqtt";

    /// <summary>Maps <paramref name="pattern"/> (default "/mqtt") to the embedded broker.</summary>
    public static IEndpointConventionBuilder MapMqttWebSocket(this WebApplication app, string pattern = "/mqtt")
    {
        // MQTT has its own keep-alive; WebSocket pings on top would only cost idle connections traffic.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        return app.Map(pattern, ServeAsync);
    }

    private static async Task<IResult> ServeAsync(HttpContext context, MqttEdgeService edge)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return TypedResults.Problem("MQTT over WebSocket: open a WebSocket with subprotocol 'mqtt'.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (!context.WebSockets.WebSocketRequestedProtocols.Contains(SubProtocol, StringComparer.OrdinalIgnoreCase))
        {
            return TypedResults.Problem($"MQTT over WebSocket needs the subprotocol '{SubProtocol}'.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (edge.Broker is not { } broker)
        {
            return TypedResults.Problem("The embedded MQTT broker is not running (Mqtt:Enabled is false).", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(SubProtocol);
        var remote = context.Connection.RemoteIpAddress is { } address ? new System.Net.IPEndPoint(address, context.Connection.RemotePort) : null;
        await broker.HandleWebSocketAsync(socket, remote, context.RequestAborted);
        return TypedResults.Empty;
    }
}
