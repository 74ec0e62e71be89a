using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SmartPole.Telemetry;

/// <summary>The URLs and authentication of the v1 and v2 APIs, shared by the writer and the query client.</summary>
internal sealed class InfluxHttp
{
    private readonly InfluxOptions _options;
    private readonly Uri _base;

    public InfluxHttp(InfluxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Url))
        {
            throw new ArgumentException("Influx:Url is empty; an empty URL selects the embedded store, not InfluxDB.", nameof(options));
        }

        _options = options;
        _base = new Uri(options.Url.TrimEnd('/') + "/");
    }

    public Uri WriteUri(WritePrecision precision)
    {
        if (_options.UsesV2)
        {
            return new Uri(_base, $"api/v2/write?org={Escape(_options.Org)}&bucket={Escape(_options.Bucket)}&precision={LineProtocol.V2Name(precision)}");
        }

        var rp = string.IsNullOrEmpty(_options.RetentionPolicy) ? "" : $"&rp={Escape(_options.RetentionPolicy)}";
        return new Uri(_base, $"write?db={Escape(_options.Database)}{rp}&precision={LineProtocol.V1Name(precision)}");
    }

    public Uri QueryUri => new(_base, "query");

    public void Authorize(HttpRequestMessage request)
    {
        if (_options.UsesV2)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Token", _options.Token);
        }
        else if (!string.IsNullOrEmpty(_options.Username))
        {
            var pair = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.Username}:{_options.Password}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", pair);
        }
    }

    /// <summary>InfluxDB's message from an error body: v1 sends <c>{"error":…}</c>, v2 <c>{"code":…,"message":…}</c>.</summary>
    public static string ErrorMessage(string body, HttpStatusCode status)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
                {
                    return error.GetString()!;
                }

                if (document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    return message.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
        }

        return string.IsNullOrWhiteSpace(body) ? $"HTTP {(int)status} {status}" : body.Trim();
    }

    /// <summary>The wait a 429/503 asks for, if it says.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            return date > now ? date - now : TimeSpan.Zero;
        }

        return null;
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);
}
