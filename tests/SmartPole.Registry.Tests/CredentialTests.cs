using System.Text;
using SmartPole.Registry.Import;

namespace SmartPole.Registry.Tests;

public sealed class CredentialTests
{
    private const string Poles = "pole_id,lat,lon\r\nns-001,22.54,113.95\r\nns-002,22.55,113.95\r\nns-003,22.56,113.95\r\n";

    private static Task<TestRegistry> WithPolesAsync() => TestRegistry.WithPolesAsync(Poles, ImportFormat.Csv);

    [Fact]
    public async Task An_issued_pole_credential_logs_in_as_that_pole_only()
    {
        await using var registry = await WithPolesAsync();

        var issued = await registry.Store.IssuePoleCredentialsAsync(TestRegistry.City, ["ns-001"], rotate: false, "test");
        var principal = await registry.Store.AuthenticateMqttAsync(issued[0].Username, issued[0].Password);

        Assert.Equal("nanshan.ns-001", issued[0].Username);
        Assert.NotNull(principal);
        Assert.Equal(MqttPrincipalKind.Pole, principal.Kind);
        Assert.Equal(TestRegistry.City, principal.City);
        Assert.Equal(["ns-001"], principal.Poles);
    }

    [Fact]
    public async Task A_wrong_password_or_unknown_user_is_refused()
    {
        await using var registry = await WithPolesAsync();
        var issued = await registry.Store.IssuePoleCredentialsAsync(TestRegistry.City, ["ns-001"], rotate: false, "test");

        var wrong = await registry.Store.AuthenticateMqttAsync(issued[0].Username, issued[0].Password + "x");
        var unknown = await registry.Store.AuthenticateMqttAsync("nanshan.ns-999", issued[0].Password);
        var empty = await registry.Store.AuthenticateMqttAsync(issued[0].Username, ReadOnlyMemory<byte>.Empty);

        Assert.Null(wrong);
        Assert.Null(unknown);
        Assert.Null(empty);
    }

    [Fact]
    public async Task Secrets_are_stored_hashed_never_in_clear()
    {
        await using var registry = await WithPolesAsync();

        var issued = await registry.Store.IssuePoleCredentialsAsync(TestRegistry.City, null, rotate: false, "test");
        var key = await registry.Store.CreateApiKeyAsync("Ops", [new CityGrant(TestRegistry.City, OperatorRole.Admin)], platformAdmin: false, "test");
        var files = Directory.GetFiles(registry.Folder).Select(File.ReadAllBytes).Select(b => Encoding.Latin1.GetString(b)).ToList();

        Assert.Equal(3, issued.Count);
        Assert.All(issued, c => Assert.DoesNotContain(files, f => f.Contains(c.Password, StringComparison.Ordinal)));
        Assert.DoesNotContain(files, f => f.Contains(key.Token[^20..], StringComparison.Ordinal));
        Assert.Contains(files, f => f.Contains("pbkdf2-sha256$10$", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Issuing_without_rotation_skips_poles_that_hold_a_credential_and_rotation_replaces_it()
    {
        await using var registry = await WithPolesAsync();
        var first = await registry.Store.IssuePoleCredentialsAsync(TestRegistry.City, ["ns-001"], rotate: false, "test");

        var missing = await registry.Store.IssuePoleCredentialsAsync(TestRegistry.City, null, rotate: false, "test");
        var rotated = await registry.Store.IssuePoleCredentialsAsync(TestRegistry.City, ["ns-001"], rotate: true, "test");

        Assert.Equal(["ns-002", "ns-003"], missing.Select(c => c.Subject));
        Assert.Null(await registry.Store.AuthenticateMqttAsync(first[0].Username, first[0].Password));
        Assert.NotNull(await registry.Store.AuthenticateMqttAsync(rotated[0].Username, rotated[0].Password));
    }

    [Fact]
    public async Task A_revoked_credential_stops_working_at_once()
    {
        await using var registry = await WithPolesAsync();
        var issued = await registry.Store.IssuePoleCredentialsAsync(TestRegistry.City, ["ns-002"], rotate: false, "test");
        Assert.NotNull(await registry.Store.AuthenticateMqttAsync(issued[0].Username, issued[0].Password));

        var revoked = await registry.Store.RevokeMqttCredentialAsync(issued[0].Username, "test");

        Assert.True(revoked);
        Assert.Null(await registry.Store.AuthenticateMqttAsync(issued[0].Username, issued[0].Password));
        Assert.False(await registry.Store.RevokeMqttCredentialAsync(issued[0].Username, "test"));
    }

    [Fact]
    public async Task A_gateway_credential_carries_its_poles()
    {
        await using var registry = await WithPolesAsync();

        var issued = await registry.Store.IssueGatewayCredentialAsync(TestRegistry.City, "district-7", ["ns-001", "ns-003"], "test");
        var principal = await registry.Store.AuthenticateMqttAsync(issued.Username, issued.Password);

        Assert.Equal("nanshan.gw.district-7", issued.Username);
        Assert.NotNull(principal);
        Assert.Equal(MqttPrincipalKind.Gateway, principal.Kind);
        Assert.Equal(["ns-001", "ns-003"], principal.Poles.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Credentials_for_unknown_poles_are_refused()
    {
        await using var registry = await WithPolesAsync();

        var pole = await Assert.ThrowsAsync<RegistryException>(() => registry.Store.IssuePoleCredentialsAsync(TestRegistry.City, ["ns-404"], rotate: false, "test"));
        var gateway = await Assert.ThrowsAsync<RegistryException>(() => registry.Store.IssueGatewayCredentialAsync(TestRegistry.City, "gw-1", ["ns-001", "ns-404"], "test"));

        Assert.Equal(RegistryErrorKind.NotFound, pole.Kind);
        Assert.Contains("'ns-404'", gateway.Message, StringComparison.Ordinal);
        Assert.Null(await registry.Store.AuthenticateMqttAsync("nanshan.gw.gw-1", "anything"));
    }
}
