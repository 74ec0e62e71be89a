using System.Text;
using SmartPole.Domain.Telemetry;

namespace SmartPole.Domain.Tests;

public sealed class TelemetryFrameDecoderTests
{
    private static FrameDecodeResult Decode(string json) => TelemetryFrameDecoder.Decode(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Decode_reads_the_contract_example()
    {
        var json = """
            {"ts":"2026-11-21T12:00:00.000Z","seq":1842,
             "devices":[{"id":"lamp-1","kind":"lighting","m":{"on":true,"dimPct":80,"powerW":96.5,"energyKWh":1234.56}},
                        {"id":"env-1","kind":"environment","m":{"pm25":18.0,"tempC":24.1,"noiseDb":58.3}}]}
            """;

        var result = Decode(json);

        Assert.Null(result.Error);
        var frame = result.Frame!;
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero), frame.Timestamp);
        Assert.Equal(1842, frame.Seq);
        Assert.Equal(2, frame.Devices.Count);
        var lamp = frame.Devices[0];
        Assert.Equal(DeviceKind.Lighting, lamp.Kind);
        Assert.Equal(MetricValue.FromBoolean(true), lamp.Metrics.Single(m => m.Name == "on").Value);
        Assert.Equal(80.0, lamp.Metrics.Single(m => m.Name == "dimPct").Value.AsDouble());
        Assert.Equal(MetricType.Float, lamp.Metrics.Single(m => m.Name == "dimPct").Value.Type);
        Assert.Empty(result.Rejected);
        Assert.Equal(0, result.UnknownMetrics);
    }

    [Fact]
    public void Decode_accepts_one_and_zero_for_booleans_and_types_integers()
    {
        var result = Decode("""{"ts":"2026-11-21T12:00:00Z","seq":1,"devices":[{"id":"c","kind":"smallcell","m":{"onAir":1,"ues":42}},{"id":"d","kind":"cabinet","m":{"doorOpen":0}}]}""");

        var cell = result.Frame!.Devices[0].Metrics;
        Assert.Equal(MetricValue.FromBoolean(true), cell[0].Value);
        Assert.Equal(MetricValue.FromInteger(42), cell[1].Value);
        Assert.Equal(MetricValue.FromBoolean(false), result.Frame.Devices[1].Metrics[0].Value);
    }

    [Theory]
    [InlineData("{not json", "invalid JSON")]
    [InlineData("[1,2]", "a telemetry frame must be a JSON object")]
    [InlineData("""{"seq":1,"devices":[]}""", "missing ts")]
    [InlineData("""{"ts":"2026-11-21T12:00:00Z","devices":[]}""", "missing seq")]
    [InlineData("""{"ts":"2026-11-21T12:00:00Z","seq":1}""", "missing devices")]
    [InlineData("""{"ts":"yesterday","seq":1,"devices":[]}""", "'ts' must be an ISO 8601 timestamp string")]
    [InlineData("""{"ts":"2026-11-21T12:00:00Z","seq":-4,"devices":[]}""", "'seq' must be a non-negative integer")]
    [InlineData("""{"ts":"2026-11-21T12:00:00Z","seq":1.5,"devices":[]}""", "'seq' must be a non-negative integer")]
    [InlineData("""{"ts":"2026-11-21T12:00:00Z","seq":1,"devices":{}}""", "'devices' must be an array")]
    public void Decode_refuses_a_payload_that_is_no_frame_with_the_reason(string json, string reason)
    {
        var result = Decode(json);

        Assert.Null(result.Frame);
        Assert.StartsWith(reason, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_dead_letters_only_the_reading_of_an_unknown_kind_or_wrong_type()
    {
        var result = Decode("""
            {"ts":"2026-11-21T12:00:00Z","seq":3,"devices":[
              {"id":"x-1","kind":"toaster","m":{"slots":2}},
              {"id":"c-1","kind":"smallcell","m":{"ues":2.5}},
              {"id":"s-1","kind":"sos","m":{"armed":"yes"}},
              {"id":"lamp-1","kind":"lighting","m":{"powerW":12}}]}
            """);

        Assert.Equal(["lamp-1"], result.Frame!.Devices.Select(d => d.DeviceId));
        Assert.Equal(3, result.Rejected.Count);
        Assert.Equal(new RejectedReading("x-1", "unknown device kind 'toaster'"), result.Rejected[0]);
        Assert.Equal(new RejectedReading("c-1", "metric 'ues' of smallcell must be an integer, got the number 2.5"), result.Rejected[1]);
        Assert.Equal(new RejectedReading("s-1", "metric 'armed' of sos must be a boolean (true/false or 1/0), got a string"), result.Rejected[2]);
    }

    [Fact]
    public void Decode_keeps_an_unknown_metric_of_a_known_kind_as_float_and_counts_it()
    {
        var result = Decode("""{"ts":"2026-11-21T12:00:00Z","seq":1,"devices":[{"id":"e","kind":"environment","m":{"o3":61,"pm25":9}}]}""");

        var metrics = result.Frame!.Devices[0].Metrics;
        Assert.Equal(1, result.UnknownMetrics);
        Assert.Equal(new Metric("o3", MetricValue.FromFloat(61), Known: false), metrics[0]);
        Assert.True(metrics[1].Known);
    }

    [Fact]
    public void Decode_refuses_a_device_without_id_and_ignores_unknown_top_level_fields()
    {
        var result = Decode("""{"fw":"1.2","ts":"2026-11-21T12:00:00Z","seq":1,"devices":[{"kind":"sos","m":{"armed":true}}]}""");

        Assert.Empty(result.Frame!.Devices);
        Assert.Equal("device without 'id'", Assert.Single(result.Rejected).Reason);
    }

    [Fact]
    public void Encoder_output_decodes_to_the_same_frame()
    {
        var frame = new TelemetryFrame(
            new DateTimeOffset(2026, 11, 21, 4, 5, 6, 789, TimeSpan.Zero),
            77,
            [
                new DeviceReading("lamp-1", DeviceKind.Lighting, [new("on", MetricValue.FromBoolean(true)), new("powerW", MetricValue.FromFloat(96.5))]),
                new DeviceReading("cam-1", DeviceKind.Camera, [new("people", MetricValue.FromInteger(12))]),
            ]);

        var decoded = TelemetryFrameDecoder.Decode(TelemetryFrameEncoder.ToUtf8(frame));

        Assert.Equal(frame.Timestamp, decoded.Frame!.Timestamp);
        Assert.Equal(frame.Seq, decoded.Frame.Seq);
        Assert.Equal(frame.Devices.SelectMany(d => d.Metrics), decoded.Frame.Devices.SelectMany(d => d.Metrics));
    }

    [Fact]
    public void Decode_types_metrics_the_same_when_kind_comes_after_m_and_names_are_out_of_order_or_escaped()
    {
        var result = Decode("""{"ts":"2026-11-21T12:00:00Z","seq":1,"devices":[{"id":"c","m":{"ues":3,"onAir":1},"kind":"smallcell"},{"id":"d","kind":"cabinet","m":{"supplyV":230,"door\u004Fpen":0,"mystery":2}}]}""");

        Assert.Null(result.Error);
        var cell = result.Frame!.Devices[0].Metrics;
        Assert.Equal([MetricValue.FromInteger(3), MetricValue.FromBoolean(true)], cell.Select(m => m.Value));
        var cabinet = result.Frame.Devices[1].Metrics;
        Assert.Equal(["supplyV", "doorOpen", "mystery"], cabinet.Select(m => m.Name));
        Assert.Equal(MetricValue.FromBoolean(false), cabinet[1].Value);
        Assert.False(cabinet[2].Known);
        Assert.Equal(1, result.UnknownMetrics);
    }

    [Fact]
    public void Decode_checks_metrics_against_the_last_kind_given()
    {
        var result = Decode("""{"ts":"2026-11-21T12:00:00Z","seq":1,"devices":[{"id":"c","kind":"lighting","m":{"on":true,"ues":4},"kind":"smallcell"}]}""");

        var metrics = result.Frame!.Devices.Single().Metrics;
        Assert.Equal(DeviceKind.SmallCell, result.Frame.Devices[0].Kind);
        Assert.Equal(new Metric("on", MetricValue.FromFloat(1), Known: false), metrics[0]);
        Assert.Equal(new Metric("ues", MetricValue.FromInteger(4)), metrics[1]);
        Assert.Equal(1, result.UnknownMetrics);
    }

    [Fact]
    public void Decode_gives_metric_names_and_repeated_device_ids_as_shared_strings()
    {
        const string json = """{"ts":"2026-11-21T12:00:00Z","seq":1,"devices":[{"id":"lamp-7","kind":"lighting","m":{"on":true}}]}""";

        var first = Decode(json).Frame!.Devices[0];
        var second = Decode(json).Frame!.Devices[0];

        Assert.Same(first.DeviceId, second.DeviceId);
        Assert.Equal("lamp-7", second.DeviceId);
        Assert.Same(MetricCatalog.Ordered(DeviceKind.Lighting)[0].Name, second.Metrics[0].Name);
    }
}
