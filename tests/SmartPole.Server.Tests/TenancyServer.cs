using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SmartPole.Server.Ingest;
using SmartPole.Testing;

namespace SmartPole.Server.Tests;

/// <summary>The server in secured mode (no demo, no anonymous MQTT) on a free broker port, with helpers to onboard cities.</summary>
public sealed class TenancyServer : IAsyncLifetime
{
    public const long MaxImportBytes = 4096;

    private readonly TempDirectory _data = new("tenancy-server");
    private readonly (string Key, string Value)[] _settings;
    private WebApplicationFactory<Program> _factory = null!;

    /// <summary>The server with the fixture's settings.</summary>
    public TenancyServer()
        : this([])
    {
    }

    /// <summary>The server with extra settings on top of the fixture's (internal: a class fixture may have one public constructor).</summary>
    internal TenancyServer(params (string Key, string Value)[] settings) => _settings = settings;

    public string AdminKey { get; private set; } = "";

    public int MqttPort { get; private set; }

    internal IServiceProvider Services => _factory.Services;

    public async Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Demo:Enabled", "false");
            web.UseSetting("Mqtt:AllowAnonymous", "false");
            web.UseSetting("Mqtt:Port", "0");
            web.UseSetting("Mqtt:Host", "127.0.0.1");
            web.UseSetting("Storage:DataDirectory", _data.Path);
            web.UseSetting("Registry:HashIterations", "10");
            web.UseSetting("Registry:CredentialHashIterations", "10");
            web.UseSetting("Registry:MaxImportBytes", MaxImportBytes.ToString(CultureInfo.InvariantCulture));
            foreach (var (key, value) in _settings)
            {
                web.UseSetting(key, value);
            }
        });
        using (var warmUp = _factory.CreateClient())
        {
            using var ready = await warmUp.GetAsync("/health/live");
        }

        AdminKey = (await File.ReadAllTextAsync(Path.Combine(_data.Path, "admin-key.txt"))).Trim();
        MqttPort = Services.GetRequiredService<MqttEdgeService>().EndPoint!.Port;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _data.Dispose();
    }

    /// <summary>A WebSocket client of the in-memory server (the hub, as a browser reaches it).</summary>
    internal Microsoft.AspNetCore.TestHost.WebSocketClient WebSockets() => _factory.Server.CreateWebSocketClient();

    /// <summary>A REST client sending <paramref name="key"/> as X-Api-Key (none when null).</summary>
    public HttpClient Client(string? key)
    {
        var client = _factory.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    /// <summary>Creates a city around Shenzhen's bounds as the platform admin.</summary>
    public async Task CreateCityAsync(string id, string? template = null)
    {
        using var admin = Client(AdminKey);
        using var response = await admin.PostAsJsonAsync("/api/tenancy/cities", new
        {
            id,
            nameZh = "试点",
            nameEn = "Pilot " + id,
            timeZone = "Asia/Shanghai",
            bounds = new { south = 22.4, west = 113.7, north = 22.9, east = 114.6 },
            template,
        });
        await EnsureAsync(response);
    }

    /// <summary>Imports CSV into a city as the platform admin.</summary>
    public async Task ImportAsync(string city, string csv)
    {
        using var admin = Client(AdminKey);
        using var response = await admin.PostAsync($"/api/cities/{city}/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
        await EnsureAsync(response);
    }

    /// <summary>Issues a key with <paramref name="role"/> in <paramref name="city"/>; returns its id and token.</summary>
    public async Task<(string KeyId, string Token)> IssueKeyAsync(string city, string role)
    {
        using var admin = Client(AdminKey);
        using var response = await admin.PostAsJsonAsync($"/api/cities/{city}/keys", new { @operator = "tester", role });
        await EnsureAsync(response);
        var key = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return (key.GetProperty("keyId").GetString()!, key.GetProperty("token").GetString()!);
    }

    /// <summary>The city's audit log, read as the platform admin.</summary>
    public async Task<List<System.Text.Json.JsonElement>> AuditAsync(string city)
    {
        using var admin = Client(AdminKey);
        var entries = await admin.GetFromJsonAsync<List<System.Text.Json.JsonElement>>($"/api/cities/{city}/audit");
        return entries!;
    }

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
