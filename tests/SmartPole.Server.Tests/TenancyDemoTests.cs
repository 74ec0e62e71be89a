using System.Net.Http.Json;
using System.Text.Json;
using SmartPole.Simulation;
using SmartPole.Testing;

namespace SmartPole.Server.Tests;

/// <summary>The demo city in secured mode: its simulated poles log in with credentials from the registry.</summary>
public sealed class TenancyDemoTests
{
    [Fact]
    public async Task The_demo_with_anonymous_mqtt_off_brings_every_demo_pole_online_with_registry_credentials()
    {
        var server = new TenancyServer(("Demo:Enabled", "true"), ("Demo:Interval", "00:00:01"), ("Registry:MaxImportBytes", "10000000"));
        await server.InitializeAsync();
        try
        {
            using var admin = server.Client(server.AdminKey);
            var city = DemoCity.Shenzhen;

            await WaitFor.ConditionAsync(
                async () => (await admin.GetFromJsonAsync<JsonElement>($"/api/cities/{city.Id}/kpis")).GetProperty("online").GetInt32() == city.Poles.Count,
                TimeSpan.FromSeconds(60),
                () => $"not every demo pole came online: {admin.GetStringAsync($"/api/cities/{city.Id}/kpis").Result}");

            var mode = await admin.GetFromJsonAsync<JsonElement>("/api/tenancy/mode");
            Assert.True(mode.GetProperty("demo").GetBoolean());
            Assert.False(mode.GetProperty("anonymousMqtt").GetBoolean());
            var audit = await server.AuditAsync(city.Id);
            Assert.Contains(audit, e => e.GetProperty("action").GetString() == "credentials.issue");
            Assert.DoesNotContain(audit, e => e.GetProperty("outcome").GetString() == "refused");
            using var anonymous = server.Client(null);
            using var refused = await anonymous.GetAsync($"/api/cities/{city.Id}/poles");
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
