using System.Net;
using System.Text;
using SmartPole.Testing;

namespace SmartPole.Telemetry.Tests;

/// <summary>The query client against a scripted HTTP server: the v2 token path (a DBRP-mapped bucket) and the exact request.</summary>
public sealed class InfluxQueryClientHttpSeamTests : IDisposable
{
    private const string Answer = """{"results":[{"statement_id":0,"series":[{"name":"meter","columns":["time","mean"],"values":[[1795219200000,1.5]]}]}]}""";

    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task With_a_token_queries_name_the_bucket_as_database_and_send_the_token()
    {
        await using var server = ScriptedHttpServer.Start(_ => new ScriptedResponse(200, Answer));
        var client = new InfluxQueryClient(new InfluxOptions { Url = server.Url.ToString(), Token = "tok", Org = "o", Bucket = "poles" }, _http);

        var result = await client.QueryAsync("SELECT MEAN(v) FROM meter", CancellationToken.None);

        var request = Assert.Single(server.Requests);
        var form = Form(request.Body);
        Assert.Equal(("POST", "/query"), (request.Method, request.PathAndQuery));
        Assert.Equal("Token tok", request.Header("Authorization"));
        Assert.Equal(("SELECT MEAN(v) FROM meter", "poles", "ms", "true"), (form["q"], form["db"], form["epoch"], form["chunked"]));
        Assert.Equal(1.5, result.Series[0].GetDouble(0, "mean"));
    }

    [Fact]
    public async Task A_v1_history_query_is_one_influxql_statement_with_quoted_names_and_a_nanosecond_range()
    {
        await using var server = ScriptedHttpServer.Start(_ => new ScriptedResponse(200, Answer));
        var client = new InfluxQueryClient(new InfluxOptions { Url = server.Url.ToString(), Database = "db", RetentionPolicy = "week", Username = "u", Password = "p" }, _http);
        var from = new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);
        var query = new SeriesQuery("meter", "powerW", new Dictionary<string, string> { ["pole"] = "p-1", ["city"] = "o'k" }, from, from.AddHours(1), TimeSpan.FromMinutes(1))
        {
            TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"),
        };

        var samples = await client.QueryAsync(query);

        var form = Form(Assert.Single(server.Requests).Body);
        Assert.Equal(
            "SELECT MEAN(\"powerW\") FROM \"meter\" WHERE time >= 1795219200000000000 AND time < 1795222800000000000"
            + " AND \"city\" = 'o\\'k' AND \"pole\" = 'p-1' GROUP BY time(60000000u) fill(none) tz('Asia/Shanghai')",
            form["q"]);
        Assert.Equal(("db", "week"), (form["db"], form["rp"]));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("u:p")), server.Requests[0].Header("Authorization"));
        Assert.Equal([new SeriesSample(from, 1.5)], samples);
    }

    [Fact]
    public async Task An_http_error_throws_with_the_servers_message_and_status()
    {
        await using var server = ScriptedHttpServer.Start(_ => new ScriptedResponse(401, """{"error":"authorization failed"}"""));
        var client = new InfluxQueryClient(new InfluxOptions { Url = server.Url.ToString() }, _http);

        var error = await Assert.ThrowsAsync<InfluxException>(() => client.QueryAsync("SHOW DATABASES", CancellationToken.None));

        Assert.Equal("authorization failed", error.Message);
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task Ensure_database_creates_the_v1_database_and_does_nothing_for_v2()
    {
        await using var server = ScriptedHttpServer.Start(_ => new ScriptedResponse(200, """{"results":[{"statement_id":0}]}"""));
        var spill = new TempDirectory("ensure-db");
        await using (var v1 = new InfluxWriter(new InfluxOptions { Url = server.Url.ToString(), Database = "city \"x\"", SpillDirectory = spill.Path }, _http))
        {
            await v1.EnsureDatabaseAsync(CancellationToken.None);
        }

        await using (var v2 = new InfluxWriter(new InfluxOptions { Url = server.Url.ToString(), Token = "t", SpillDirectory = spill.Path }, _http))
        {
            await v2.EnsureDatabaseAsync(CancellationToken.None);
        }

        Assert.Equal("CREATE DATABASE \"city \\\"x\\\"\"", Form(Assert.Single(server.Requests).Body)["q"]);
        spill.Dispose();
    }

    private static Dictionary<string, string> Form(string body) =>
        body.Split('&').Select(pair => pair.Split('=', 2)).ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p[1]));
}
