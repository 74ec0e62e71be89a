using System.Globalization;
using System.Text.Json;
using SmartPole.Testing;

namespace SmartPole.EndToEnd.Tests;

/// <summary>Bad input is dead-lettered with its reason, counted, visible, and stops nothing else.</summary>
public sealed class DeadLetterTests : IAsyncLifetime
{
    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Malformed_frames_are_dead_lettered_with_their_reason_and_good_readings_still_flow()
    {
        await PublishAsync("sp/dl/pole-1/telemetry", "{not json");
        await PublishAsync("sp/dl/Bad_Pole!/telemetry", """{"ts":"2026-11-21T12:00:00Z","seq":1,"devices":[]}""");
        await PublishAsync("sp/dl/pole-1/telemetry", """{"seq":1,"devices":[]}""");
        await PublishAsync("sp/dl/pole-1/telemetry", """
            {"ts":"2026-11-21T12:00:00Z","seq":1,"devices":[
              {"id":"toaster-1","kind":"toaster","m":{"slots":2}},
              {"id":"env-1","kind":"environment","m":{"pm25":"high"}},
              {"id":"lamp-1","kind":"lighting","m":{"on":1,"dimPct":70,"powerW":84.25}}]}
            """);

        var letters = await _server.GetJsonAsync("api/deadletters");
        var pole = await _server.GetJsonAsync("api/cities/dl/poles/pole-1");

        Assert.Equal(5, letters.GetProperty("total").GetInt64());
        var reasons = letters.GetProperty("recent").EnumerateArray().Select(l => l.GetProperty("reason").GetString()!).ToList();
        Assert.Contains(reasons, r => r.StartsWith("invalid JSON", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("[a-z0-9-]", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r == "missing ts");
        Assert.Contains(reasons, r => r == "unknown device kind 'toaster'");
        Assert.Contains(reasons, r => r.Contains("'pm25'", StringComparison.Ordinal) && r.Contains("a string", StringComparison.Ordinal));
        var lamp = pole.GetProperty("devices").EnumerateArray().Single();
        Assert.Equal("lamp-1", lamp.GetProperty("id").GetString());
        Assert.True(lamp.GetProperty("metrics").GetProperty("on").GetBoolean());
        Assert.Equal(84.25, lamp.GetProperty("metrics").GetProperty("powerW").GetDouble());
    }

    [Fact]
    public async Task Dead_letters_name_the_topic_the_sender_and_keep_the_payload_start()
    {
        await PublishAsync("sp/dl/pole-2/telemetry", "[1,2,3]");

        var letters = await _server.GetJsonAsync("api/deadletters");

        var letter = letters.GetProperty("recent")[0];
        Assert.Equal("sp/dl/pole-2/telemetry", letter.GetProperty("topic").GetString());
        Assert.Equal("[1,2,3]", letter.GetProperty("payload").GetString());
        Assert.Equal(JsonValueKind.String, letter.GetProperty("clientId").ValueKind);
        Assert.Equal("a telemetry frame must be a JSON object", letter.GetProperty("reason").GetString());
    }

    private Task PublishAsync(string topic, string payload) => MosquittoPub.PublishAsync(_server.MqttPort, topic, payload);
}
