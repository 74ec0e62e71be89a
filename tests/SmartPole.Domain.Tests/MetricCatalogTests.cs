namespace SmartPole.Domain.Tests;

public sealed class MetricCatalogTests
{
    [Fact]
    public void Every_kind_has_a_lowercase_wire_name_that_maps_back()
    {
        foreach (var kind in Enum.GetValues<DeviceKind>())
        {
            var name = MetricCatalog.WireName(kind);

            Assert.Equal(name.ToLowerInvariant(), name);
            Assert.True(MetricCatalog.TryGetKind(name, out var back));
            Assert.Equal(kind, back);
        }
    }

    [Theory]
    [InlineData(DeviceKind.Lighting, "on", MetricType.Boolean)]
    [InlineData(DeviceKind.SmallCell, "ues", MetricType.Integer)]
    [InlineData(DeviceKind.Charger, "state", MetricType.Integer)]
    [InlineData(DeviceKind.Environment, "pm25", MetricType.Float)]
    [InlineData(DeviceKind.Cabinet, "waterLeak", MetricType.Boolean)]
    public void Metric_types_follow_the_contract(DeviceKind kind, string metric, MetricType type)
    {
        Assert.True(MetricCatalog.TryGetMetric(kind, metric, out var definition));
        Assert.Equal(type, definition.Type);
    }

    [Fact]
    public void Energy_and_lamp_hours_are_cumulative()
    {
        MetricCatalog.TryGetMetric(DeviceKind.Lighting, "energyKWh", out var energy);
        MetricCatalog.TryGetMetric(DeviceKind.Lighting, "lampHours", out var hours);
        MetricCatalog.TryGetMetric(DeviceKind.Lighting, "powerW", out var power);

        Assert.True(energy.Cumulative);
        Assert.True(hours.Cumulative);
        Assert.False(power.Cumulative);
    }

    [Theory]
    [InlineData("shenzhen", true)]
    [InlineData("ft-shennan-001", true)]
    [InlineData("provision", false)]
    [InlineData("", false)]
    [InlineData("Shenzhen", false)]
    [InlineData("a/b", false)]
    public void Ids_follow_the_contract(string id, bool valid) => Assert.Equal(valid, Ids.IsValid(id));
}
