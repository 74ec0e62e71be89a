namespace SmartPole.Telemetry.Tests;

public sealed class PointDataBuilderTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1795219260123);

    [Fact]
    public void A_built_point_writes_the_same_line_as_the_immutable_chain()
    {
        var chained = PointData.Measurement("light ing").Tag("pole", "p-1").Tag("city", "s,z").Tag("device", "lamp 1")
            .Field("on", true).Field("dimPct", 80L).Field("powerW", 96.5).Field("count", 3UL).Field("note", "say \"hi\"")
            .Timestamp(At, WritePrecision.Milliseconds);

        var built = new PointDataBuilder("light ing", tagCapacity: 1, fieldCapacity: 1).Tag("pole", "p-1").Tag("city", "s,z").Tag("device", "lamp 1")
            .Field("on", true).Field("dimPct", 80L).Field("powerW", 96.5).Field("count", 3UL).Field("note", "say \"hi\"")
            .ToPoint(At);

        Assert.Equal(chained.ToLineProtocol(), built.ToLineProtocol());
        Assert.Equal("light\\ ing,city=s\\,z,device=lamp\\ 1,pole=p-1 count=3u,dimPct=80i,note=\"say \\\"hi\\\"\",on=true,powerW=96.5 1795219260123", built.ToLineProtocol());
    }

    [Fact]
    public void A_key_set_twice_keeps_the_last_value_and_an_empty_tag_value_removes_the_tag()
    {
        var builder = new PointDataBuilder("m").Tag("b", "1").Tag("a", "2").Field("f", 1.0);

        builder.Tag("b", "3").Tag("a", null).Tag("c", "").Field("f", 2L);

        Assert.Equal("m,b=3 f=2i 1795219260", builder.ToPoint(At, WritePrecision.Seconds).ToLineProtocol());
    }

    [Fact]
    public void Reset_starts_an_empty_point_and_earlier_points_stay_as_they_were()
    {
        var builder = new PointDataBuilder("first").Tag("pole", "p-1").Field("v", 1.0);
        var first = builder.ToPoint(At);

        var second = builder.Reset("second").Field("w", 2.0).ToPoint(At);

        Assert.Equal("first,pole=p-1 v=1 1795219260123", first.ToLineProtocol());
        Assert.Equal("second w=2 1795219260123", second.ToLineProtocol());
    }

    [Fact]
    public void Values_line_protocol_cannot_carry_are_refused_as_by_point_data()
    {
        var builder = new PointDataBuilder("m");

        Assert.Throws<ArgumentException>(() => builder.Field("f", double.NaN));
        Assert.Throws<ArgumentException>(() => builder.Field("f", double.PositiveInfinity));
        Assert.Throws<ArgumentException>(() => builder.Field("f", "two\nlines"));
        Assert.Throws<ArgumentException>(() => builder.Tag("t", "ends in \\"));
        Assert.Throws<ArgumentException>(() => new PointDataBuilder("#comment"));
        Assert.Throws<InvalidOperationException>(() => builder.ToPoint(At).ToLineProtocol());
    }
}
