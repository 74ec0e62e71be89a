using System.Net;
using SmartPole.Testing;

namespace SmartPole.EndToEnd.Tests;

/// <summary>MQTT over WebSocket at /mqtt on the server's HTTP port, driven by MQTT.js, meeting clients on the TCP port.</summary>
public sealed class MqttWebSocketTests : IAsyncLifetime
{
    private ServerProcess _server = null!;

    private string WebSocketUrl => $"ws://127.0.0.1:{_server.HttpPort}/mqtt";

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public async Task MqttJs_over_websocket_exchanges_messages_with_clients_on_the_tcp_port(int protocolVersion)
    {
        await using var web = await MqttJsPeer.StartAsync(WebSocketUrl, new { clientId = $"ws-{protocolVersion}", protocolVersion });
        await using var tcp = await MqttJsPeer.StartAsync(_server.MqttUrl.ToString(), new { clientId = $"tcp-{protocolVersion}", protocolVersion });
        await web.SubscribeAsync($"ws/{protocolVersion}/down", new { qos = 2 });
        await tcp.SubscribeAsync($"ws/{protocolVersion}/up", new { qos = 1 });

        await MosquittoPub.PublishAsync(_server.MqttPort, $"ws/{protocolVersion}/down", "to the browser");
        await web.PublishAsync($"ws/{protocolVersion}/up", new string('x', 100_000), new { qos = 2 });

        var down = await web.MessageAsync($"ws/{protocolVersion}/down");
        var up = await tcp.MessageAsync($"ws/{protocolVersion}/up");
        Assert.Equal("to the browser", down.GetProperty("payload").GetString());
        Assert.Equal(1, down.GetProperty("qos").GetInt32());
        Assert.Equal(100_000, up.GetProperty("payload").GetString()!.Length);
        Assert.Single(web.Packets("in", "pubcomp"));
    }

    [Fact]
    public async Task A_plain_http_request_to_the_mqtt_path_is_answered_400()
    {
        using var response = await _server.Http.GetAsync("mqtt");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
