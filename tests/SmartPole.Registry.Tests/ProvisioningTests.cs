using System.Text;
using System.Text.Json;
using SmartPole.Registry.Import;
using SmartPole.Registry.Provisioning;

namespace SmartPole.Registry.Tests;

public sealed class ProvisioningTests
{
    private static async Task<(TestRegistry Registry, string Key)> SetUpAsync()
    {
        var registry = await TestRegistry.CreateAsync();
        await registry.Store.ImportAsync(TestRegistry.City, TestRegistry.Utf8("pole_id,lat,lon\r\nns-001,22.54,113.95\r\nns-002,22.55,113.95\r\n"), ImportFormat.Csv, "test");
        var key = await registry.Store.CreateProvisioningKeyAsync(TestRegistry.City, "test");
        return (registry, key);
    }

    [Fact]
    public async Task A_gateway_with_the_key_gets_a_credential_for_allowed_poles_once()
    {
        var (registry, key) = await SetUpAsync();
        await using var _ = registry;
        await registry.Store.AllowProvisioningAsync(TestRegistry.City, ["ns-001", "ns-002"], "test");

        var result = await registry.Store.ProvisionAsync(TestRegistry.City, new ProvisionRequest("gw-7", key, ["ns-001", "ns-002"]));
        var again = await registry.Store.ProvisionAsync(TestRegistry.City, new ProvisionRequest("gw-8", key, ["ns-001"]));

        Assert.NotNull(result.Credential);
        Assert.Equal("nanshan.gw.gw-7", result.Credential.Username);
        var principal = await registry.Store.AuthenticateMqttAsync(result.Credential.Username, result.Credential.Password);
        Assert.Equal(["ns-001", "ns-002"], principal!.Poles.Order(StringComparer.Ordinal));
        Assert.True(again.Pending);
        Assert.Null(again.Credential);
    }

    [Fact]
    public async Task Poles_not_on_the_allow_list_wait_for_an_operator_and_approval_lets_the_next_request_through()
    {
        var (registry, key) = await SetUpAsync();
        await using var _ = registry;

        var first = await registry.Store.ProvisionAsync(TestRegistry.City, new ProvisionRequest("gw-7", key, ["ns-001"]));
        var pending = await registry.Store.ListPendingProvisioningAsync(TestRegistry.City);
        await registry.Store.ApproveProvisioningAsync(TestRegistry.City, "gw-7", "ops");
        var second = await registry.Store.ProvisionAsync(TestRegistry.City, new ProvisionRequest("gw-7", key, ["ns-001"]));

        Assert.True(first.Pending);
        Assert.Contains("awaiting operator approval", first.Refusal, StringComparison.Ordinal);
        Assert.Equal("gw-7", Assert.Single(pending).Key);
        Assert.NotNull(second.Credential);
        Assert.Empty(await registry.Store.ListPendingProvisioningAsync(TestRegistry.City));
    }

    [Fact]
    public async Task A_wrong_key_or_unknown_pole_is_refused_and_audited()
    {
        var (registry, key) = await SetUpAsync();
        await using var _ = registry;
        await registry.Store.AllowProvisioningAsync(TestRegistry.City, ["ns-001"], "test");

        var badKey = await registry.Store.ProvisionAsync(TestRegistry.City, new ProvisionRequest("gw-7", key + "x", ["ns-001"]));
        var unknown = await registry.Store.ProvisionAsync(TestRegistry.City, new ProvisionRequest("gw-7", key, ["ns-404"]));
        var audit = await registry.Store.ReadAuditAsync(TestRegistry.City, 2);

        Assert.Equal("bad provisioning key", badKey.Refusal);
        Assert.False(badKey.Pending);
        Assert.Contains("ns-404", unknown.Refusal, StringComparison.Ordinal);
        Assert.All(audit, e => Assert.Equal((AuditOutcome.Refused, "provisioning.request"), (e.Outcome, e.Action)));
        Assert.DoesNotContain(audit, e => e.Detail!.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_provisioning_key_logs_in_as_a_provisioner_of_its_city()
    {
        var (registry, key) = await SetUpAsync();
        await using var _ = registry;

        var principal = await registry.Store.AuthenticateMqttAsync("nanshan.provision", key);
        var wrongCity = await registry.Store.AuthenticateMqttAsync("futian.provision", key);

        Assert.Equal(MqttPrincipalKind.Provisioner, principal!.Kind);
        Assert.Equal(TestRegistry.City, principal.City);
        Assert.Null(wrongCity);
    }

    [Fact]
    public void Requests_and_answers_round_trip_the_wire_format()
    {
        var payload = """{"requestId":"gw-7","provisionKey":"k","poles":["ns-001","ns-002"]}"""u8;

        var parsed = ProvisioningMessages.TryParseRequest(payload, out var request, out var error);
        var answer = JsonDocument.Parse(ProvisioningMessages.Answer(new ProvisionResult("gw-7", new IssuedCredential("gw-7", "nanshan.gw.gw-7", "s3cret"), null, false), ["ns-001"])).RootElement;
        var refusal = JsonDocument.Parse(ProvisioningMessages.Answer(ProvisionResult.Refused("gw-7", "bad provisioning key"), [])).RootElement;
        var broken = ProvisioningMessages.TryParseRequest(Encoding.UTF8.GetBytes("""{"requestId":"gw-7","poles":[]}"""), out _, out var brokenError);

        Assert.True(parsed, error);
        Assert.Equal(["ns-001", "ns-002"], request!.Poles);
        Assert.True(answer.GetProperty("ok").GetBoolean());
        Assert.Equal("s3cret", answer.GetProperty("password").GetString());
        Assert.False(refusal.GetProperty("ok").GetBoolean());
        Assert.Equal("bad provisioning key", refusal.GetProperty("reason").GetString());
        Assert.False(broken);
        Assert.NotNull(brokenError);
    }
}
