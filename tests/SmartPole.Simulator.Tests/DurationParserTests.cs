using SmartPole.Simulator;

namespace SmartPole.Simulator.Tests;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("10s", 10_000)]
    [InlineData("1m", 60_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2", 2_000)]
    [InlineData("0", 0)]
    [InlineData(" 10s ", 10_000)]
    public void TryParse_reads_what_people_write(string text, double milliseconds)
    {
        var ok = DurationParser.TryParse(text, out var duration);

        Assert.True(ok);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10x")]
    [InlineData("s")]
    [InlineData("-5s")]
    [InlineData("10 s")]
    [InlineData("ten seconds")]
    public void TryParse_refuses_what_is_no_duration(string text)
    {
        Assert.False(DurationParser.TryParse(text, out _));
    }
}
