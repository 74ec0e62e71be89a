using System.Buffers;
using System.Globalization;
using System.Text;

namespace SmartPole.Telemetry.Tests;

public sealed class PointDataTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1465839830100).AddTicks(4002);

    // The escaping examples of InfluxDB's line protocol reference ("Special characters").
    [Theory]
    [InlineData("wea,ther", "location", "us-midwest", "temperature", "wea\\,ther,location=us-midwest temperature=82")]
    [InlineData("wea ther", "location", "us-midwest", "temperature", "wea\\ ther,location=us-midwest temperature=82")]
    [InlineData("weather", "location", "us,midwest", "temperature", "weather,location=us\\,midwest temperature=82")]
    [InlineData("weather", "location", "us-midwest", "temp=rature", "weather,location=us-midwest temp\\=rature=82")]
    [InlineData("weather", "location place", "us-midwest", "temperature", "weather,location\\ place=us-midwest temperature=82")]
    [InlineData("weather", "loca=tion", "us midwest", "temp,erature", "weather,loca\\=tion=us\\ midwest temp\\,erature=82")]
    [InlineData("wea=ther", "location", "us=midwest", "temperature", "wea=ther,location=us\\=midwest temperature=82")]
    public void Names_are_escaped_as_the_line_protocol_reference_shows(string measurement, string tagKey, string tagValue, string field, string expected)
    {
        var point = PointData.Measurement(measurement).Tag(tagKey, tagValue).Field(field, 82.0);

        var line = point.ToLineProtocol();

        Assert.Equal(expected, line);
    }

    [Theory]
    [InlineData("too\"hot\"", "weather temperature=\"too\\\"hot\\\"\"")]
    [InlineData("too hot\\cold", "weather temperature=\"too hot\\\\cold\"")]
    [InlineData("a,b=c d", "weather temperature=\"a,b=c d\"")]
    [InlineData("\\\"", "weather temperature=\"\\\\\\\"\"")]
    [InlineData("", "weather temperature=\"\"")]
    public void String_fields_escape_double_quotes_and_backslashes_only(string value, string expected)
    {
        var point = PointData.Measurement("weather").Field("temperature", value);

        var line = point.ToLineProtocol();

        Assert.Equal(expected, line);
    }

    [Fact]
    public void Every_field_type_is_written_with_its_suffix_and_fields_are_sorted_by_key()
    {
        var point = PointData.Measurement("m")
            .Field("s", "text")
            .Field("i", -12L)
            .Field("u", 12UL)
            .Field("f", 1.5)
            .Field("b", true)
            .Field("whole", 2.0)
            .Field("big", 1e21)
            .Field("no", false);

        var line = point.ToLineProtocol();

        Assert.Equal("m b=true,big=1E+21,f=1.5,i=-12i,no=false,s=\"text\",u=12u,whole=2", line);
    }

    [Fact]
    public void Tags_are_sorted_by_key_and_empty_or_null_values_are_left_out()
    {
        var point = PointData.Measurement("m")
            .Tag("pole", "p-1")
            .Tag("city", "shenzhen")
            .Tag("device", "")
            .Tag("district", null)
            .Tag("Zone", "north")
            .Field("v", 1L);

        var line = point.ToLineProtocol();

        Assert.Equal("m,Zone=north,city=shenzhen,pole=p-1 v=1i", line);
    }

    [Fact]
    public void Setting_a_tag_or_field_again_replaces_it_and_an_empty_value_removes_the_tag()
    {
        var point = PointData.Measurement("m").Tag("a", "1").Tag("b", "2").Field("v", 1L).Field("v", 2L);

        var replaced = point.Tag("a", "3").Tag("b", null);

        Assert.Equal("m,a=1,b=2 v=2i", point.ToLineProtocol());
        Assert.Equal("m,a=3 v=2i", replaced.ToLineProtocol());
    }

    [Theory]
    [InlineData(WritePrecision.Nanoseconds, "1465839830100400200")]
    [InlineData(WritePrecision.Microseconds, "1465839830100400")]
    [InlineData(WritePrecision.Milliseconds, "1465839830100")]
    [InlineData(WritePrecision.Seconds, "1465839830")]
    public void Timestamps_are_written_in_the_chosen_precision(WritePrecision precision, string expected)
    {
        var point = PointData.Measurement("m").Field("v", 1L).Timestamp(At, precision);

        var line = point.ToLineProtocol();

        Assert.Equal($"m v=1i {expected}", line);
    }

    [Fact]
    public void Timestamps_before_the_epoch_are_floored_not_rounded_towards_zero()
    {
        var point = PointData.Measurement("m").Field("v", 1L).Timestamp(DateTimeOffset.UnixEpoch.AddTicks(-1), WritePrecision.Milliseconds);

        var line = point.ToLineProtocol();

        Assert.Equal("m v=1i -1", line);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Non_finite_floats_are_refused_with_an_error_naming_the_field(double value)
    {
        var point = PointData.Measurement("m");

        var error = Assert.Throws<ArgumentException>(() => point.Field("powerW", value));

        Assert.Contains("'powerW'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("line\nbreak")]
    [InlineData("carriage\rreturn")]
    [InlineData("ends with\\")]
    [InlineData("backslash\\ before space")]
    [InlineData("backslash\\,before comma")]
    [InlineData("backslash\\=before equals")]
    public void Tag_values_line_protocol_cannot_carry_are_refused(string value)
    {
        var point = PointData.Measurement("m");

        Assert.Throws<ArgumentException>(() => point.Tag("t", value));
    }

    [Fact]
    public void A_line_break_in_a_string_field_is_refused_naming_the_field()
    {
        var point = PointData.Measurement("m");

        var error = Assert.Throws<ArgumentException>(() => point.Field("detail", "two\nlines"));

        Assert.Contains("'detail'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_measurement_that_would_read_as_a_comment_is_refused()
    {
        Assert.Throws<ArgumentException>(() => PointData.Measurement("#weather"));
    }

    [Fact]
    public void A_backslash_not_before_a_delimiter_is_kept_literally()
    {
        var point = PointData.Measurement("a\\b").Tag("k\\ey", "v\\al").Field("f\\x", 1L);

        var line = point.ToLineProtocol();

        Assert.Equal("a\\b,k\\ey=v\\al f\\x=1i", line);
    }

    [Fact]
    public void A_point_without_fields_cannot_be_written()
    {
        var point = PointData.Measurement("m").Tag("t", "v");

        Assert.Throws<InvalidOperationException>(point.ToLineProtocol);
    }

    [Fact]
    public void The_utf8_writer_gives_the_same_line_as_the_string_writer()
    {
        var point = PointData.Measurement("环境").Tag("城市", "深圳 南山").Field("温度", 24.1).Field("备注", "\"好\"").Timestamp(At, WritePrecision.Milliseconds);
        var buffer = new ArrayBufferWriter<byte>();
        var builder = new StringBuilder("prefix|");

        point.WriteLineProtocol(buffer);
        point.WriteLineProtocol(builder);

        Assert.Equal(point.ToLineProtocol(), Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal("prefix|" + point.ToLineProtocol(), builder.ToString());
        Assert.Equal("环境,城市=深圳\\ 南山 备注=\"\\\"好\\\"\",温度=24.1 1465839830100", point.ToLineProtocol());
    }

    [Fact]
    public void Floats_are_written_as_the_shortest_text_that_reads_back_the_same_double_in_both_writers()
    {
        var random = new Random(11);
        var values = new List<double> { 0, 1, -1, 0.1, 0.2 + 0.1, 1e-4, 9.99e-5, 123456789012345, 1e15, 1e14 + 0.5, 1e-300, -0.0, double.MaxValue, 5e-324 };
        for (var i = 0; i < 20_000; i++)
        {
            var raw = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-8, 18));
            values.Add(raw);
            values.Add(Math.Round(raw, random.Next(0, 8)));
        }

        foreach (var value in values)
        {
            var point = PointData.Measurement("m").Field("f", value);
            var buffer = new ArrayBufferWriter<byte>();

            var text = point.ToLineProtocol()["m f=".Length..];
            point.WriteLineProtocol(buffer);

            Assert.Equal(value.ToString("R", CultureInfo.InvariantCulture), text);
            Assert.Equal("m f=" + text, Encoding.UTF8.GetString(buffer.WrittenSpan));
            Assert.Equal(value, double.Parse(text, CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void The_parser_reads_back_what_the_writer_wrote()
    {
        var point = PointData.Measurement("we a,ther").Tag("lo=c a,tion", "us, mid=west").Tag("x\\y", "a\\b")
            .Field("te mp", 82.5).Field("s", "a \"q\" \\ b,c=d").Field("i", 5L).Field("u", 7UL).Field("b", false)
            .Timestamp(At, WritePrecision.Milliseconds);

        var parsed = LineProtocolParser.TryParse(point.ToLineProtocol(), out var line);

        Assert.True(parsed);
        Assert.Equal("we a,ther", line!.Measurement);
        Assert.Equal("us, mid=west", line.TagValue("lo=c a,tion"));
        Assert.Equal("a\\b", line.TagValue("x\\y"));
        Assert.Equal(82.5, line.Field("te mp")!.Number);
        Assert.Equal("a \"q\" \\ b,c=d", line.Field("s")!.Text);
        Assert.Equal(FieldType.Integer, line.Field("i")!.Type);
        Assert.Equal(FieldType.Unsigned, line.Field("u")!.Type);
        Assert.Equal(0, line.Field("b")!.Number);
        Assert.Equal(1465839830100, line.Timestamp);
    }
}
