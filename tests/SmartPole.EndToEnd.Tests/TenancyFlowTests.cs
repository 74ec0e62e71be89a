using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SmartPole.Testing;

namespace SmartPole.EndToEnd.Tests;

/// <summary>
/// A partner city from nothing to live poles in one scripted flow, on the real server process in
/// secured mode: create from a template, import, export the manifest, run the simulator on it, and
/// watch the poles over REST and the hub with the city's own operator key.
/// </summary>
public sealed class TenancyFlowTests
{
    private const string Pilot = "pilot-city";
    private const int Poles = 5;

    [Fact]
    public async Task A_fresh_partner_city_goes_from_nothing_to_live_poles_in_one_scripted_flow()
    {
        await using var server = await ServerProcess.StartAsync("--Mqtt:AllowAnonymous=false", "--Registry:HashIterations=100", "--Registry:CredentialHashIterations=100");
        var adminKey = (await File.ReadAllTextAsync(Path.Combine(server.DataDirectory, "admin-key.txt"))).Trim();
        using var admin = Client(server, adminKey);
        using var work = new TempDirectory("e2e-tenancy");

        await SendAsync(admin.PostAsJsonAsync("/api/tenancy/cities", City("template-city", null)));
        await SendAsync(admin.PostAsJsonAsync("/api/tenancy/cities", City(Pilot, "template-city")));
        await SendAsync(admin.PostAsync($"/api/cities/{Pilot}/import", new StringContent(PoleCsv(), Encoding.UTF8, "text/csv")));
        var manifest = Path.Combine(work.Path, "manifest.json");
        using (var response = await SendAsync(admin.PostAsync($"/api/cities/{Pilot}/manifest", null)))
        {
            await File.WriteAllBytesAsync(manifest, await response.Content.ReadAsByteArrayAsync());
        }

        var viewerKey = (await (await SendAsync(admin.PostAsJsonAsync($"/api/cities/{Pilot}/keys", new { @operator = "pilot viewer", role = "viewer" })))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        await using (var simulator = ManagedProcess.Start("dotnet",
        [
            RepoPaths.BuiltDll("simulators", "SmartPole.Simulator"),
            "--broker", server.MqttUrl.ToString(), "--manifest", manifest, "--interval", "1s", "--duration", "4s", "--qos", "1", "--seed", "3",
        ]))
        {
            var exit = await simulator.WaitForExitAsync(TimeSpan.FromSeconds(90));
            Assert.True(exit == 0, $"simulator exited with {exit}:\n{simulator.Output}");
        }

        using var viewer = Client(server, viewerKey);
        await WaitFor.ConditionAsync(
            async () => (await viewer.GetFromJsonAsync<List<JsonElement>>($"/api/cities/{Pilot}/poles"))!.Count(p => p.GetProperty("seq").GetInt64() > 0) == Poles,
            TimeSpan.FromSeconds(30),
            () => "not every pilot pole reported over REST");
        var hub = await HubAsync(server, viewerKey, Pilot, "template-city");
        var anonymousHub = await HubAsync(server, null, Pilot);
        using var elsewhere = await viewer.GetAsync("/api/cities/template-city/poles");

        Assert.Equal([$"joined {Pilot} {Poles}", "refused template-city"], hub);
        Assert.StartsWith("connect-failed", Assert.Single(anonymousHub), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
        Assert.DoesNotContain(manifestSecrets(await File.ReadAllTextAsync(manifest)), s => server.Output.Contains(s, StringComparison.Ordinal));
        Assert.DoesNotContain(adminKey, server.Output, StringComparison.Ordinal);

        static IEnumerable<string> manifestSecrets(string json) =>
            JsonDocument.Parse(json).RootElement.GetProperty("poles").EnumerateArray().Select(p => p.GetProperty("password").GetString()!);
    }

    [Fact]
    public async Task In_open_mode_the_server_says_so_in_its_log_and_api()
    {
        await using var server = await ServerProcess.StartAsync();

        var mode = await server.GetJsonAsync("api/tenancy/mode");

        Assert.True(mode.GetProperty("open").GetBoolean());
        Assert.Contains("OPEN MODE", server.Output, StringComparison.Ordinal);
    }

    private static object City(string id, string? template) => new
    {
        id,
        nameZh = "试点城市",
        nameEn = "Pilot City",
        timeZone = "Asia/Shanghai",
        bounds = new { south = 22.4, west = 113.7, north = 22.9, east = 114.6 },
        template,
    };

    private static string PoleCsv()
    {
        var csv = new StringBuilder("pole_id,name,lat,lon,district,device_id,kind,rated_power_w\r\n");
        for (var i = 1; i <= Poles; i++)
        {
            var lat = (22.54 + (i * 0.001)).ToString(CultureInfo.InvariantCulture);
            csv.Append(CultureInfo.InvariantCulture, $"pc-{i:000},Pilot road {i},{lat},113.95,pilot-d,lamp-1,lighting,120\r\n");
            csv.Append(CultureInfo.InvariantCulture, $"pc-{i:000},,,,,env-1,environment,\r\n");
            csv.Append(CultureInfo.InvariantCulture, $"pc-{i:000},,,,,meter-1,meter,\r\n");
        }

        return csv.ToString();
    }

    private static HttpClient Client(ServerProcess server, string key)
    {
        var client = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private static async Task<HttpResponseMessage> SendAsync(Task<HttpResponseMessage> request)
    {
        var response = await request;
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return response;
    }

    /// <summary>Joins cities with the official SignalR client under node, with the key as the bearer token; one line per city.</summary>
    private static async Task<IReadOnlyList<string>> HubAsync(ServerProcess server, string? key, params string[] cities)
    {
        using var work = new TempDirectory("e2e-tenancy-hub");
        var script = Path.Combine(work.Path, "tenancy-hub.cjs");
        await File.WriteAllTextAsync(script, """
            const signalR = require("@microsoft/signalr");
            const [baseUrl, token, ...cities] = process.argv.slice(2);
            (async () => {
              const options = token === "-" ? {} : { accessTokenFactory: () => token };
              const connection = new signalR.HubConnectionBuilder().withUrl(new URL("hubs/city", baseUrl).toString(), options)
                .configureLogging(signalR.LogLevel.None).build();
              try { await connection.start(); } catch (e) { console.log(`connect-failed ${e.message}`); return; }
              for (const city of cities) {
                try { const view = await connection.invoke("JoinCity", city); console.log(`joined ${city} ${view.poles.length}`); }
                catch { console.log(`refused ${city}`); }
              }
              await connection.stop();
            })();
            """);
        await using var node = ManagedProcess.Start(RealPeer.Node, [script, server.BaseUrl.ToString(), key ?? "-", .. cities], work.Path,
            new Dictionary<string, string?> { ["NODE_PATH"] = RealPeer.NodeModules });
        var exit = await node.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, $"node exited with {exit}:\n{node.Output}");
        return node.Lines.ToList();
    }
}
