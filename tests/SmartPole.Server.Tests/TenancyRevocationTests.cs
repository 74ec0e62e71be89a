using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using SmartPole.Mqtt;
using SmartPole.Server.Ingest;
using SmartPole.Simulation;
using SmartPole.Testing;

namespace SmartPole.Server.Tests;

/// <summary>Revocation reaches connections that are already open: MQTT sessions and hub WebSockets, over real sockets.</summary>
public sealed class TenancyRevocationTests(TenancyServer server) : IClassFixture<TenancyServer>
{
    private const string Poles = "pole_id,lat,lon,device_id,kind\r\np-1,22.54,113.95,cab-1,cabinet\r\np-2,22.55,113.95,cab-1,cabinet\r\n";
    private const char RecordSeparator = '\u001e';

    private static int s_next;

    [Fact]
    public async Task Revoking_a_pole_credential_closes_its_open_session_and_it_cannot_log_in_again()
    {
        var (city, manifest) = await OnboardAsync();
        var own = manifest.Credentials["p-1"];
        await using var pole = await ConnectAsync(own, "p-1-gw");
        await using var neighbour = await ConnectAsync(manifest.Credentials["p-2"], "p-2-gw");

        using (var admin = server.Client(server.AdminKey))
        {
            using var revoke = await admin.DeleteAsync($"/api/cities/{city}/credentials/{own.Username}");
            Assert.Equal(System.Net.HttpStatusCode.NoContent, revoke.StatusCode);
        }

        await WaitFor.ConditionAsync(() => Task.FromResult(!pole.IsConnected), TimeSpan.FromSeconds(10), () => "the revoked pole's session stayed open");
        Assert.True(neighbour.IsConnected);
        var again = await Assert.ThrowsAsync<MqttConnectException>(() => ConnectAsync(own, "p-1-gw"));
        Assert.Equal(MqttConnectReasonCode.BadUserNameOrPassword, again.ReasonCode);
    }

    [Fact]
    public async Task Rotating_every_credential_through_the_manifest_closes_the_sessions_of_the_old_secrets()
    {
        var (city, manifest) = await OnboardAsync();
        await using var pole = await ConnectAsync(manifest.Credentials["p-1"], "p-1-gw");

        using var admin = server.Client(server.AdminKey);
        using var rotated = await admin.PostAsync($"/api/cities/{city}/manifest?credentials=rotateAll", null);
        Assert.True(rotated.IsSuccessStatusCode, await rotated.Content.ReadAsStringAsync());
        var fresh = CityManifest.Parse(await rotated.Content.ReadAsStringAsync());

        await WaitFor.ConditionAsync(() => Task.FromResult(!pole.IsConnected), TimeSpan.FromSeconds(10), () => "the session of the rotated secret stayed open");
        await using var renewed = await ConnectAsync(fresh.Credentials["p-1"], "p-1-gw");
        Assert.True(renewed.IsConnected);
    }

    [Fact]
    public async Task Revoking_an_operator_key_closes_its_hub_connection_at_once()
    {
        var (city, _) = await OnboardAsync();
        var (keyId, token) = await server.IssueKeyAsync(city, "viewer");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var socket = await server.WebSockets().ConnectAsync(new Uri($"ws://localhost/hubs/city?access_token={Uri.EscapeDataString(token)}"), cancel.Token);
        await SendAsync(socket, """{"protocol":"json","version":1}""", cancel.Token);
        await SendAsync(socket, $$"""{"type":1,"invocationId":"1","target":"JoinCity","arguments":["{{city}}"]}""", cancel.Token);
        var joined = await ReceiveUntilAsync(socket, m => m.Contains("\"invocationId\":\"1\"", StringComparison.Ordinal), cancel.Token);
        Assert.DoesNotContain("\"error\"", joined, StringComparison.Ordinal);

        using (var admin = server.Client(server.AdminKey))
        {
            using var revoke = await admin.DeleteAsync($"/api/tenancy/keys/{keyId}");
            Assert.Equal(System.Net.HttpStatusCode.NoContent, revoke.StatusCode);
        }

        var closed = await ReceiveUntilAsync(socket, m => m == "closed", cancel.Token);
        Assert.Equal("closed", closed);
    }

    [Fact]
    public async Task Bounding_the_login_table_forgets_only_clients_that_are_gone_and_keeps_live_sessions_authorised()
    {
        var (_, manifest) = await OnboardAsync();
        var guard = server.Services.GetRequiredService<Tenancy.BrokerGuard>();
        var live = $"live-{Guid.NewGuid():N}";
        var gone = $"gone-{Guid.NewGuid():N}";
        await using var pole = await ConnectAsync(manifest.Credentials["p-1"], live);
        var leaving = await ConnectAsync(manifest.Credentials["p-2"], gone);
        Assert.True(guard.Remembers(live) && guard.Remembers(gone));
        await leaving.DisposeAsync();
        await WaitFor.ConditionAsync(() => Task.FromResult(!IsConnected(gone)), TimeSpan.FromSeconds(10), () => "the broker still lists the client that left");

        guard.ForgetDisconnectedClients();

        Assert.False(guard.Remembers(gone));
        Assert.True(guard.Remembers(live));
        Assert.True(pole.IsConnected);
    }

    private bool IsConnected(string clientId) => server.Services.GetRequiredService<MqttEdgeService>().Broker!.IsClientConnected(clientId);

    private async Task<(string City, CityManifest Manifest)> OnboardAsync()
    {
        var city = $"revoke-{Interlocked.Increment(ref s_next)}";
        await server.CreateCityAsync(city);
        await server.ImportAsync(city, Poles);
        using var admin = server.Client(server.AdminKey);
        using var response = await admin.PostAsync($"/api/cities/{city}/manifest", null);
        return (city, CityManifest.Parse(await response.Content.ReadAsStringAsync()));
    }

    private async Task<MqttClient> ConnectAsync(FleetCredential credential, string clientId)
    {
        var client = new MqttClient(new MqttClientOptions
        {
            Port = server.MqttPort,
            ClientId = clientId,
            Username = credential.Username,
            Password = credential.Password,
            ProtocolVersion = MqttProtocolVersion.V500,
        });
        try
        {
            await client.ConnectAsync();
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    private static Task SendAsync(WebSocket socket, string message, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message + RecordSeparator), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    // Reads SignalR JSON records until one matches; "closed" stands for the server closing the socket.
    private static async Task<string> ReceiveUntilAsync(WebSocket socket, Func<string, bool> wanted, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var text = new StringBuilder();
        while (true)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer, cancellationToken);
            }
            catch (Exception e) when (e is WebSocketException or IOException && !cancellationToken.IsCancellationRequested)
            {
                return "closed";
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return "closed";
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            var records = text.ToString().Split(RecordSeparator);
            text.Clear().Append(records[^1]);
            foreach (var record in records[..^1])
            {
                if (wanted(record))
                {
                    return record;
                }
            }
        }
    }
}
