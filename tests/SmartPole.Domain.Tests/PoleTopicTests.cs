using SmartPole.Domain.Wire;

namespace SmartPole.Domain.Tests;

public sealed class PoleTopicTests
{
    [Theory]
    [InlineData("sp/shenzhen/ft-001/telemetry", PoleTopicKind.Telemetry, null)]
    [InlineData("sp/shenzhen/ft-001/status", PoleTopicKind.Status, null)]
    [InlineData("sp/shenzhen/ft-001/events", PoleTopicKind.Events, null)]
    [InlineData("sp/shenzhen/ft-001/config", PoleTopicKind.Config, null)]
    [InlineData("sp/shenzhen/ft-001/cmd/c42", PoleTopicKind.Command, "c42")]
    [InlineData("sp/shenzhen/ft-001/cmd/c42/ack", PoleTopicKind.CommandAck, "c42")]
    public void TryParse_reads_every_topic_of_the_contract(string topic, PoleTopicKind kind, string? commandId)
    {
        var ok = PoleTopic.TryParse(topic, out var parsed, out _);

        Assert.True(ok);
        Assert.Equal(new PoleTopic("shenzhen", "ft-001", kind, commandId), parsed);
    }

    [Theory]
    [InlineData("sensors/x/telemetry")]
    [InlineData("sp/Shenzhen/ft-001/telemetry")]
    [InlineData("sp/shenzhen/provision/telemetry")]
    [InlineData("sp/shenzhen/ft_001/telemetry")]
    [InlineData("sp/shenzhen/ft-001/telemetry/extra")]
    [InlineData("sp/shenzhen/ft-001/weather")]
    [InlineData("sp/shenzhen/ft-001/cmd//ack")]
    public void TryParse_refuses_what_is_not_a_contract_topic(string topic)
    {
        var ok = PoleTopic.TryParse(topic, out var parsed, out var error);

        Assert.False(ok);
        Assert.Null(parsed);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Topic_builders_round_trip_through_the_parser()
    {
        var commandOk = PoleTopic.TryParse(PoleTopic.Command("sz", "p-1", "abc"), out var command, out _);
        var telemetryOk = PoleTopic.TryParse(PoleTopic.Telemetry("sz", "p-1"), out var telemetry, out _);

        Assert.True(commandOk && telemetryOk);
        Assert.Equal(new PoleTopic("sz", "p-1", PoleTopicKind.Command, "abc"), command);
        Assert.Equal(new PoleTopic("sz", "p-1", PoleTopicKind.Telemetry), telemetry);
    }
}
