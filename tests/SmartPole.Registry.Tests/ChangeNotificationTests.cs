using SmartPole.Registry.Import;

namespace SmartPole.Registry.Tests;

/// <summary>The store tells the server what changed after the commit: revoked or replaced secrets, revoked keys, new city settings.</summary>
public sealed class ChangeNotificationTests
{
    private const string Poles = "pole_id,lat,lon\r\nns-001,22.54,113.95\r\nns-002,22.55,113.95\r\n";

    [Fact]
    public async Task Revoking_or_rotating_pole_credentials_names_the_user_names_whose_sessions_must_end()
    {
        await using var registry = await TestRegistry.WithPolesAsync(Poles, ImportFormat.Csv);
        await registry.Store.IssuePoleCredentialsAsync(TestRegistry.City, null, rotate: false, "test");
        var heard = new List<string>();
        registry.Store.MqttCredentialsRevoked += names => heard.AddRange(names);

        await registry.Store.RevokeMqttCredentialAsync("nanshan.ns-001", "test");
        await registry.Store.IssuePoleCredentialsAsync(TestRegistry.City, ["ns-002"], rotate: true, "test");
        await registry.Store.IssuePoleCredentialsAsync(TestRegistry.City, null, rotate: false, "test");

        Assert.Equal(["nanshan.ns-001", "nanshan.ns-002"], heard);
    }

    [Fact]
    public async Task Revoking_a_key_names_it_once_and_a_failing_subscriber_does_not_silence_the_others()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var key = await registry.Store.CreateApiKeyAsync("ops", [new CityGrant(TestRegistry.City, OperatorRole.Viewer)], platformAdmin: false, "test");
        var heard = new List<string>();
        registry.Store.ApiKeyRevoked += _ => throw new InvalidOperationException("broken subscriber");
        registry.Store.ApiKeyRevoked += heard.Add;

        var first = await registry.Store.RevokeApiKeyAsync(key.KeyId, "test");
        var second = await registry.Store.RevokeApiKeyAsync(key.KeyId, "test");

        Assert.True(first);
        Assert.False(second);
        Assert.Equal([key.KeyId], heard);
    }

    [Fact]
    public async Task New_city_settings_are_stored_announced_and_invalid_ones_refused_without_change()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var heard = new List<CityRecord>();
        registry.Store.CitySettingsChanged += heard.Add;
        var lowered = CitySettings.Default with { Thresholds = CitySettings.Default.Thresholds with { TiltDeg = 1.5 }, ReportingIntervalS = 30 };

        await registry.Store.UpdateCitySettingsAsync(TestRegistry.City, lowered, "test");
        var refused = await Assert.ThrowsAsync<RegistryException>(() => registry.Store.UpdateCitySettingsAsync(TestRegistry.City, lowered with { ReportingIntervalS = 0 }, "test"));
        var stored = await registry.Store.FindCityAsync(TestRegistry.City);

        Assert.Equal(RegistryErrorKind.Invalid, refused.Kind);
        Assert.Equal((1.5, 30), (stored!.Settings.Thresholds.TiltDeg, stored.Settings.ReportingIntervalS));
        Assert.Equal(1.5, Assert.Single(heard).Settings.Thresholds.TiltDeg);
        await Assert.ThrowsAsync<RegistryException>(() => registry.Store.UpdateCitySettingsAsync("nowhere", lowered, "test"));
    }
}
