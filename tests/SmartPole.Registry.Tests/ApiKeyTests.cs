namespace SmartPole.Registry.Tests;

public sealed class ApiKeyTests
{
    [Fact]
    public async Task An_api_key_authenticates_with_its_roles_per_city()
    {
        await using var registry = await TestRegistry.CreateAsync();

        var key = await registry.Store.CreateApiKeyAsync("Li Wei", [new CityGrant(TestRegistry.City, OperatorRole.Operator)], platformAdmin: false, "test");
        var principal = await registry.Store.AuthenticateApiKeyAsync(key.Token);

        Assert.NotNull(principal);
        Assert.Equal("Li Wei", principal.Operator);
        Assert.True(principal.Allows(TestRegistry.City, OperatorRole.Viewer));
        Assert.True(principal.Allows(TestRegistry.City, OperatorRole.Operator));
        Assert.False(principal.Allows(TestRegistry.City, OperatorRole.Admin));
        Assert.False(principal.Allows("shenzhen", OperatorRole.Viewer));
    }

    [Fact]
    public async Task A_platform_admin_is_allowed_everywhere()
    {
        await using var registry = await TestRegistry.CreateAsync();

        var key = await registry.Store.CreateApiKeyAsync("root", [], platformAdmin: true, "test");
        var principal = await registry.Store.AuthenticateApiKeyAsync(key.Token);

        Assert.NotNull(principal);
        Assert.True(principal.Allows("any-city", OperatorRole.Admin));
        Assert.True(await registry.Store.HasPlatformAdminAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("spk_")]
    [InlineData("spk_0123456789abcdef_")]
    [InlineData("Bearer nonsense")]
    public async Task Malformed_tokens_are_refused(string? token)
    {
        await using var registry = await TestRegistry.CreateAsync();
        await registry.Store.CreateApiKeyAsync("Li Wei", [new CityGrant(TestRegistry.City, OperatorRole.Viewer)], platformAdmin: false, "test");

        var principal = await registry.Store.AuthenticateApiKeyAsync(token);

        Assert.Null(principal);
    }

    [Fact]
    public async Task A_token_with_a_right_id_but_wrong_secret_is_refused()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var key = await registry.Store.CreateApiKeyAsync("Li Wei", [new CityGrant(TestRegistry.City, OperatorRole.Viewer)], platformAdmin: false, "test");

        var principal = await registry.Store.AuthenticateApiKeyAsync(key.Token[..^1] + (key.Token[^1] == 'a' ? 'b' : 'a'));

        Assert.Null(principal);
    }

    [Fact]
    public async Task A_revoked_key_stops_working_at_once_even_after_it_was_used()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var key = await registry.Store.CreateApiKeyAsync("Li Wei", [new CityGrant(TestRegistry.City, OperatorRole.Admin)], platformAdmin: false, "test");
        Assert.NotNull(await registry.Store.AuthenticateApiKeyAsync(key.Token));

        var revoked = await registry.Store.RevokeApiKeyAsync(key.KeyId, "test");

        Assert.True(revoked);
        Assert.Null(await registry.Store.AuthenticateApiKeyAsync(key.Token));
        Assert.NotNull(Assert.Single(await registry.Store.ListApiKeysAsync(TestRegistry.City)).RevokedAt);
    }

    [Fact]
    public async Task A_grant_in_an_unknown_city_creates_no_key()
    {
        await using var registry = await TestRegistry.CreateAsync();

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            registry.Store.CreateApiKeyAsync("Li Wei", [new CityGrant("atlantis", OperatorRole.Viewer)], platformAdmin: false, "test"));

        Assert.Equal(RegistryErrorKind.NotFound, error.Kind);
        Assert.Empty(await registry.Store.ListApiKeysAsync(null));
    }
}
