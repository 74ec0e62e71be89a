using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SmartPole.Simulation;

namespace SmartPole.Server.Tests;

public sealed class TenancyApiTests(TenancyServer server) : IClassFixture<TenancyServer>, IAsyncLifetime
{
    private const string Poles = "pole_id,name,lat,lon,device_id,kind,rated_power_w\r\np-1,Road 1,22.54,113.95,lamp-1,lighting,120\r\np-2,Road 2,22.55,113.95,lamp-1,lighting,100\r\n";

    private static int s_next;

    private string _a = "";
    private string _b = "";

    public async Task InitializeAsync()
    {
        var n = Interlocked.Increment(ref s_next);
        _a = $"city-a{n}";
        _b = $"city-b{n}";
        await server.CreateCityAsync(_a);
        await server.CreateCityAsync(_b, template: _a);
        await server.ImportAsync(_a, Poles);
        await server.ImportAsync(_b, Poles);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Without_a_key_the_api_answers_401_but_says_it_is_secured()
    {
        using var anonymous = server.Client(null);

        using var poles = await anonymous.GetAsync($"/api/cities/{_a}/poles");
        using var list = await anonymous.GetAsync("/api/cities");
        var mode = await anonymous.GetFromJsonAsync<JsonElement>("/api/tenancy/mode");

        Assert.Equal(HttpStatusCode.Unauthorized, poles.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.False(mode.GetProperty("open").GetBoolean());
    }

    [Fact]
    public async Task A_city_the_registry_does_not_know_is_refused_to_anyone_but_a_platform_admin()
    {
        var (_, token) = await server.IssueKeyAsync(_a, "admin");
        using var anonymous = server.Client(null);
        using var cityAdmin = server.Client(token);

        using var withoutKey = await anonymous.GetAsync("/api/cities/nobody-knows/poles");
        using var withCityKey = await cityAdmin.GetAsync("/api/cities/nobody-knows/poles");

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, withCityKey.StatusCode);
    }

    [Fact]
    public async Task A_viewer_reads_its_city_and_is_refused_and_audited_in_another()
    {
        var (_, token) = await server.IssueKeyAsync(_a, "viewer");
        using var viewer = server.Client(token);

        var own = await viewer.GetFromJsonAsync<List<JsonElement>>($"/api/cities/{_a}/poles");
        using var other = await viewer.GetAsync($"/api/cities/{_b}/poles");
        var cities = await viewer.GetFromJsonAsync<List<JsonElement>>("/api/cities");
        var audit = await server.AuditAsync(_b);

        Assert.Equal(["p-1", "p-2"], own!.Select(p => p.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal([_a], cities!.Select(c => c.GetProperty("id").GetString()));
        Assert.Contains(audit, e => e.GetProperty("action").GetString() == "rest.access" && e.GetProperty("outcome").GetString() == "refused"
                                    && e.GetProperty("detail").GetString()!.Contains($"/api/cities/{_b}/poles", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Onboarding_needs_the_admin_role_of_the_city()
    {
        var (_, viewerToken) = await server.IssueKeyAsync(_a, "viewer");
        var (_, operatorToken) = await server.IssueKeyAsync(_a, "operator");
        var (_, adminToken) = await server.IssueKeyAsync(_a, "admin");
        using var viewer = server.Client(viewerToken);
        using var op = server.Client(operatorToken);
        using var admin = server.Client(adminToken);

        using var byViewer = await viewer.PostAsync($"/api/cities/{_a}/import", new StringContent(Poles, Encoding.UTF8, "text/csv"));
        using var byOperator = await op.PostAsync($"/api/cities/{_a}/import", new StringContent(Poles, Encoding.UTF8, "text/csv"));
        using var byAdmin = await admin.PostAsync($"/api/cities/{_a}/import", new StringContent(Poles, Encoding.UTF8, "text/csv"));
        using var adminElsewhere = await admin.PostAsync($"/api/cities/{_b}/import", new StringContent(Poles, Encoding.UTF8, "text/csv"));
        using var cityByCityAdmin = await admin.PostAsJsonAsync("/api/tenancy/cities", new { id = "sneaky", nameZh = "x", nameEn = "x", timeZone = "UTC", bounds = new { south = 0, west = 0, north = 1, east = 1 } });

        Assert.Equal(HttpStatusCode.Forbidden, byViewer.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byOperator.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
        Assert.Equal(2, (await byAdmin.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("unchanged").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, adminElsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, cityByCityAdmin.StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_stops_working_at_once()
    {
        var (keyId, token) = await server.IssueKeyAsync(_a, "viewer");
        using var viewer = server.Client(token);
        using var admin = server.Client(server.AdminKey);
        using var before = await viewer.GetAsync($"/api/cities/{_a}/poles");

        using var revoke = await admin.DeleteAsync($"/api/tenancy/keys/{keyId}");
        using var after = await viewer.GetAsync($"/api/cities/{_a}/poles");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task A_bearer_token_works_like_the_header()
    {
        var (_, token) = await server.IssueKeyAsync(_a, "viewer");
        using var client = server.Client(null);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        using var response = await client.GetAsync($"/api/cities/{_a}/poles");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_hostile_import_over_the_cap_or_broken_is_refused_with_its_reasons_and_changes_nothing()
    {
        using var admin = server.Client(server.AdminKey);
        var tooLarge = Poles + new string('#', (int)TenancyServer.MaxImportBytes - Encoding.UTF8.GetByteCount(Poles) + 1);
        const string broken = "pole_id,lat,lon\r\np-1,95,113.95\r\nP 2,22.5,113.9\r\n";

        using var overCap = await admin.PostAsync($"/api/cities/{_a}/import", new StringContent(tooLarge, Encoding.UTF8, "text/csv"));
        using var wrong = await admin.PostAsync($"/api/cities/{_a}/import", new StringContent(broken, Encoding.UTF8, "text/csv"));
        var problem = await wrong.Content.ReadFromJsonAsync<JsonElement>();
        var poles = await admin.GetFromJsonAsync<List<JsonElement>>($"/api/cities/{_a}/poles");

        Assert.Equal(HttpStatusCode.BadRequest, overCap.StatusCode);
        Assert.Contains("Registry:MaxImportBytes", await overCap.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal([(2, "lat"), (3, "pole_id")], problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("column").GetString())));
        Assert.Equal(22.54, poles!.Single(p => p.GetProperty("id").GetString() == "p-1").GetProperty("latitude").GetDouble());
    }

    [Fact]
    public async Task The_manifest_is_what_the_simulator_reads_and_shows_secrets_once()
    {
        using var admin = server.Client(server.AdminKey);

        using var first = await admin.PostAsync($"/api/cities/{_a}/manifest", null);
        using var second = await admin.PostAsync($"/api/cities/{_a}/manifest", null);
        var manifest = CityManifest.Parse(await first.Content.ReadAsStringAsync());
        var again = CityManifest.Parse(await second.Content.ReadAsStringAsync());

        Assert.Equal(_a, manifest.City.Id);
        Assert.Equal(["p-1", "p-2"], manifest.Credentials.Keys.Order(StringComparer.Ordinal));
        Assert.Equal($"{_a}.p-1", manifest.Credentials["p-1"].Username);
        Assert.Empty(again.Credentials);
    }

    [Fact]
    public async Task Csv_export_neutralises_formula_cells()
    {
        using var admin = server.Client(server.AdminKey);
        await server.ImportAsync(_a, "pole_id,name,lat,lon\r\np-9,=cmd|' /C calc'!A0,22.6,114\r\n");

        var csv = await admin.GetStringAsync($"/api/cities/{_a}/export.csv");

        Assert.Contains("p-9,'=cmd|' /C calc'!A0,22.6,114", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_city_from_a_template_copies_its_settings()
    {
        using var admin = server.Client(server.AdminKey);
        var id = _a + "-t";

        using var response = await admin.PostAsJsonAsync("/api/tenancy/cities", new
        {
            id, nameZh = "模板", nameEn = "Templated", timeZone = "Asia/Urumqi", template = _a,
            bounds = new { south = 43.7, west = 87.4, north = 43.9, east = 87.7 },
        });
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("Asia/Urumqi", created.GetProperty("city").GetProperty("timeZone").GetString());
        Assert.Equal(JsonValueKind.String, created.GetProperty("sunsetToday").ValueKind);
    }
}
