using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SmartPole.Mqtt;
using SmartPole.Simulation;
using SmartPole.Testing;

namespace SmartPole.Server.Tests;

/// <summary>A city's settings in the registry are what its live poles use, and a change through the API applies without a restart.</summary>
public sealed class TenancySettingsTests(TenancyServer server) : IClassFixture<TenancyServer>
{
    [Fact]
    public async Task A_tilt_limit_lowered_through_the_api_raises_the_alarm_on_a_live_pole_at_its_next_frame()
    {
        const string city = "settings-a";
        await server.CreateCityAsync(city);
        await server.ImportAsync(city, "pole_id,lat,lon,device_id,kind\r\np-1,22.54,113.95,cab-1,cabinet\r\n");
        using var admin = server.Client(server.AdminKey);
        using var issued = await admin.PostAsync($"/api/cities/{city}/manifest", null);
        var own = CityManifest.Parse(await issued.Content.ReadAsStringAsync()).Credentials["p-1"];
        await using var pole = new MqttClient(new MqttClientOptions { Port = server.MqttPort, ClientId = "settings-p-1", Username = own.Username, Password = own.Password });
        await pole.ConnectAsync();
        await PublishTiltAsync(pole, city, seq: 1, tilt: 2.0);
        await WaitFor.ConditionAsync(async () => (await PoleAsync(admin, city)).Contains("\"tiltDeg\":2", StringComparison.Ordinal), TimeSpan.FromSeconds(20), () => "the first frame never reached the pole");
        Assert.DoesNotContain("\"tilt\"", await AlarmsAsync(admin, city), StringComparison.Ordinal);

        var settings = (await admin.GetFromJsonAsync<JsonObject>($"/api/cities/{city}/settings"))!;
        settings["thresholds"]!["tiltDeg"] = 1.5;
        using var put = await admin.PutAsync($"/api/cities/{city}/settings", new StringContent(settings.ToJsonString(), Encoding.UTF8, "application/json"));
        await PublishTiltAsync(pole, city, seq: 2, tilt: 2.1);

        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        await WaitFor.ConditionAsync(async () => (await AlarmsAsync(admin, city)).Contains("\"tilt\"", StringComparison.Ordinal), TimeSpan.FromSeconds(20),
            () => "no tilt alarm after the limit was lowered to 1.5: " + PoleAsync(admin, city).Result);
        Assert.Equal(1.5, (await admin.GetFromJsonAsync<JsonElement>($"/api/cities/{city}/settings")).GetProperty("thresholds").GetProperty("tiltDeg").GetDouble());
        Assert.Contains(await server.AuditAsync(city), e => e.GetProperty("action").GetString() == "city.settings");
    }

    [Fact]
    public async Task Settings_that_break_the_rules_are_refused_and_a_viewer_may_not_change_them()
    {
        const string city = "settings-b";
        await server.CreateCityAsync(city);
        var (_, viewer) = await server.IssueKeyAsync(city, "viewer");
        using var admin = server.Client(server.AdminKey);
        var settings = (await admin.GetFromJsonAsync<JsonObject>($"/api/cities/{city}/settings"))!;
        settings["reportingIntervalS"] = 0;
        using var reader = server.Client(viewer);

        using var invalid = await admin.PutAsync($"/api/cities/{city}/settings", new StringContent(settings.ToJsonString(), Encoding.UTF8, "application/json"));
        using var forbidden = await reader.PutAsync($"/api/cities/{city}/settings", new StringContent(settings.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(10, (await admin.GetFromJsonAsync<JsonElement>($"/api/cities/{city}/settings")).GetProperty("reportingIntervalS").GetInt32());
    }

    private static Task PublishTiltAsync(MqttClient pole, string city, int seq, double tilt) =>
        pole.PublishAsync(new MqttApplicationMessage(
            $"sp/{city}/p-1/telemetry",
            Encoding.UTF8.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $$$"""{"ts":"2026-11-21T12:00:0{{{seq}}}.000Z","seq":{{{seq}}},"devices":[{"id":"cab-1","kind":"cabinet","m":{"doorOpen":false,"tiltDeg":{{{tilt}}},"cabinetTempC":30}}]}""")),
            MqttQualityOfService.AtLeastOnce));

    private static async Task<string> AlarmsAsync(HttpClient admin, string city) =>
        (await admin.GetFromJsonAsync<JsonElement>($"/api/cities/{city}/alarms")).GetRawText();

    private static async Task<string> PoleAsync(HttpClient admin, string city) =>
        (await admin.GetFromJsonAsync<JsonElement>($"/api/cities/{city}/poles/p-1")).GetRawText();
}
