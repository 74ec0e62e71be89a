using System.Globalization;
using SmartPole.Simulation;
using SmartPole.Testing;

namespace SmartPole.Server.Tests;

/// <summary>Failed MQTT logins locking out an address on the running broker (its own server: the lock-out would spoil other tests from 127.0.0.1).</summary>
public sealed class TenancyLoginLimitTests : IAsyncLifetime
{
    private readonly TenancyServer _server = new(("Registry:MaxFailedLogins", "2"), ("Registry:LoginLockout", "00:10:00"));

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task After_too_many_wrong_passwords_even_the_right_one_is_refused_from_that_address()
    {
        await _server.CreateCityAsync("lock-a");
        await _server.ImportAsync("lock-a", "pole_id,lat,lon\r\np-1,22.54,113.95\r\n");
        using var admin = _server.Client(_server.AdminKey);
        using var response = await admin.PostAsync("/api/cities/lock-a/manifest", null);
        var credential = CityManifest.Parse(await response.Content.ReadAsStringAsync()).Credentials["p-1"];
        var before = await PublishAsync(credential.Username, credential.Password);

        await PublishAsync(credential.Username, "guess-1");
        await PublishAsync(credential.Username, "guess-2");
        var after = await PublishAsync(credential.Username, credential.Password);

        Assert.Equal(0, before.Code);
        Assert.NotEqual(0, after.Code);
        Assert.Contains("not authori", after.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(await _server.AuditAsync("lock-a"), e => e.GetProperty("detail").GetString()!.Contains("locked out", StringComparison.Ordinal));
    }

    private async Task<(int Code, string Output)> PublishAsync(string username, string password)
    {
        await using var publisher = ManagedProcess.Start(RealPeer.MosquittoPub,
            ["-h", "127.0.0.1", "-p", _server.MqttPort.ToString(CultureInfo.InvariantCulture), "-q", "1", "-t", "sp/lock-a/p-1/status", "-m", "online", "-u", username, "-P", password]);
        var code = await publisher.WaitForExitAsync(TimeSpan.FromSeconds(15));
        return (code, publisher.Output);
    }
}
