using System.Text;
using SmartPole.Domain.Alarms;

namespace SmartPole.Domain.Tests;

public sealed class PoleEventDecoderTests
{
    [Fact]
    public void Decodes_every_field_of_a_contract_event()
    {
        var payload = """{"ts":"2026-11-21T12:00:00.000Z","device":"sos-1","type":"sosPressed","detail":"button held 3 s"}"""u8;

        var ok = PoleEventDecoder.TryDecode(payload, out var decoded, out var error);

        Assert.True(ok, error);
        Assert.Equal(new PoleEvent(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero), "sos-1", "sosPressed", "button held 3 s"), decoded);
    }

    [Fact]
    public void Keeps_a_structured_detail_as_its_json_text()
    {
        var payload = """{"ts":"2026-11-21T12:00:00Z","device":"cab-1","type":"tilt","detail":{"deg":7.5}}"""u8;

        PoleEventDecoder.TryDecode(payload, out var decoded, out _);

        Assert.Equal("""{"deg":7.5}""", decoded!.Detail);
    }

    [Theory]
    [InlineData("""{"device":"cab-1","type":"tilt"}""", "needs 'ts'")]
    [InlineData("""{"ts":"yesterday","device":"cab-1","type":"tilt"}""", "'ts'")]
    [InlineData("""{"ts":"2026-11-21T12:00:00Z","device":"","type":"tilt"}""", "'device'")]
    [InlineData("""{"ts":"2026-11-21T12:00:00Z","device":"cab-1","type":"meteor"}""", "unknown event type 'meteor'")]
    [InlineData("""not json""", "invalid JSON")]
    [InlineData("""[]""", "JSON object")]
    public void Refuses_what_is_not_a_contract_event_and_says_why(string payload, string reason)
    {
        var ok = PoleEventDecoder.TryDecode(Encoding.UTF8.GetBytes(payload), out var decoded, out var error);

        Assert.False(ok);
        Assert.Null(decoded);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_contract_event_type_maps_to_an_alarm_type()
    {
        Assert.All(PoleEventDecoder.KnownTypes, type => Assert.NotNull(AlarmTypes.ForEvent(type)));
    }
}
