using SmartPole.Mqtt.Topics;

namespace SmartPole.Mqtt.Tests;

public sealed class MqttTopicTests
{
    [Theory]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1/ranking", true)]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true)]
    [InlineData("sport/#", "sport", true)]
    [InlineData("#", "a/b", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player1/ranking", false)]
    [InlineData("sport/+", "sport", false)]
    [InlineData("sport/+", "sport/", true)]
    [InlineData("+/+", "/finance", true)]
    [InlineData("/+", "/finance", true)]
    [InlineData("+", "/finance", false)]
    [InlineData("#", "$SYS/uptime", false)]
    [InlineData("+/uptime", "$SYS/uptime", false)]
    [InlineData("$SYS/#", "$SYS/uptime", true)]
    [InlineData("a/b", "a/b", true)]
    [InlineData("a/b", "a/B", false)]
    public void Matches_follows_the_spec_examples(string filter, string topic, bool expected)
    {
        var matches = MqttTopic.Matches(filter, topic);

        Assert.Equal(expected, matches);
    }

    [Theory]
    [InlineData("a/#", true)]
    [InlineData("#", true)]
    [InlineData("+/a/+", true)]
    [InlineData("$share/group/a/+", true)]
    [InlineData("a#", false)]
    [InlineData("a/#/b", false)]
    [InlineData("a/b+", false)]
    [InlineData("", false)]
    [InlineData("$share/group", false)]
    [InlineData("$share//a", false)]
    [InlineData("$share/g+/a", false)]
    public void Filter_validation_follows_the_spec(string filter, bool valid)
    {
        var result = MqttTopic.IsValidFilter(filter);

        Assert.Equal(valid, result);
    }
}
