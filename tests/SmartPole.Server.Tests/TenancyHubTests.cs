using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using SmartPole.Server.Tenancy;

namespace SmartPole.Server.Tests;

/// <summary>The hub's city check, on the running secured server's own <see cref="CityAccess"/>.</summary>
public sealed class TenancyHubTests(TenancyServer server) : IClassFixture<TenancyServer>
{
    [Fact]
    public async Task A_connection_joins_only_the_cities_its_key_allows_and_a_refusal_is_audited()
    {
        await server.CreateCityAsync("hub-a");
        await server.CreateCityAsync("hub-b");
        var (_, token) = await server.IssueKeyAsync("hub-a", "viewer");
        var access = server.Services.GetRequiredService<CityAccess>();
        var caller = await CallerAsync(token);

        await access.CheckJoinAsync(caller, "hub-a");
        var refused = await Assert.ThrowsAsync<HubException>(() => access.CheckJoinAsync(caller, "hub-b"));

        Assert.Contains("hub-b", refused.Message, StringComparison.Ordinal);
        Assert.Contains(await server.AuditAsync("hub-b"), e => e.GetProperty("action").GetString() == "hub.join" && e.GetProperty("outcome").GetString() == "refused");
    }

    [Fact]
    public async Task A_connection_whose_key_was_revoked_cannot_join_any_more()
    {
        await server.CreateCityAsync("hub-c");
        var (keyId, token) = await server.IssueKeyAsync("hub-c", "viewer");
        var access = server.Services.GetRequiredService<CityAccess>();
        var caller = await CallerAsync(token);
        await access.CheckJoinAsync(caller, "hub-c");

        using (var admin = server.Client(server.AdminKey))
        {
            using var revoke = await admin.DeleteAsync($"/api/tenancy/keys/{keyId}");
        }

        await Assert.ThrowsAsync<HubException>(() => access.CheckJoinAsync(caller, "hub-c"));
    }

    private async Task<HubCallerContext> CallerAsync(string token)
    {
        var store = await server.Services.GetRequiredService<RegistryHost>().StoreAsync;
        var principal = await store.AuthenticateApiKeyAsync(token);
        return new Caller(OperatorClaims.From(principal!));
    }

    private sealed class Caller(ClaimsPrincipal user) : HubCallerContext
    {
        public override string ConnectionId => "test-connection";

        public override string? UserIdentifier => user.Identity?.Name;

        public override ClaimsPrincipal? User => user;

        public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();

        public override IFeatureCollection Features { get; } = new FeatureCollection();

        public override CancellationToken ConnectionAborted => CancellationToken.None;

        public override void Abort()
        {
        }
    }
}
