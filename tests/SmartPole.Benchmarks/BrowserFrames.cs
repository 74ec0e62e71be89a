using System.Globalization;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using SmartPole.Testing;

namespace SmartPole.Benchmarks;

/// <summary>
/// The dashboard in Debian's headless Chromium (software rendering: --disable-gpu), driven over the
/// DevTools protocol with .NET's own WebSocket client: the page is given 10,000 poles with
/// coordinates and then every pole's new state once a second, in 50 ms batches shaped like the
/// hub's pushes, through the same function the hub calls. Measures the page's render time per
/// frame and the time between animation frames.
/// </summary>
internal static class BrowserFrames
{
    // Runs in the page; resolves with the figures after `seconds` of updates.
    private const string Script = """
        (async (seconds) => {
          while (!window.smartpole) await new Promise((r) => setTimeout(r, 100));
          const { state, applySnapshots } = window.smartpole;
          const n = 10000, poles = [];
          for (let i = 0; i < n; i++) {
            const id = `grid-${String(i).padStart(5, "0")}`;
            state.poles.set(id, { id, name: id, latitude: 22.5 + Math.floor(i / 100) * 0.001, longitude: 114 + (i % 100) * 0.001 });
            poles.push(id);
          }
          state.tableStale = true; state.layoutStale = true;
          const snapshot = (id, i, t) => ({ city: state.city, pole: id, lastSeen: new Date().toISOString(), status: "online", alarms: [],
            devices: [{ id: "lamp-1", kind: "lighting", timestamp: new Date().toISOString(), metrics: { on: (i + t) % 3 !== 0, dimPct: 80, powerW: 60 + (i % 40) } },
                      { id: "env-1", kind: "environment", timestamp: new Date().toISOString(), metrics: { pm25: 20 + (i % 30), pm10: 40 + (i % 50), noiseDb: 55 } }] });
          applySnapshots(poles.map((id, i) => snapshot(id, i, 0)));
          await new Promise((r) => setTimeout(r, 1000));
          state.stats.frames.length = 0;
          const gaps = []; let last = performance.now(), running = true;
          const tick = (now) => { gaps.push(now - last); last = now; if (running) requestAnimationFrame(tick); };
          requestAnimationFrame(tick);
          const batch = n / 20; let next = 0, round = 0;
          const timer = setInterval(() => {
            const ids = poles.slice(next, next + batch);
            applySnapshots(ids.map((id, k) => snapshot(id, next + k, round)));
            next += batch; if (next >= n) { next = 0; round++; }
          }, 50);
          await new Promise((r) => setTimeout(r, seconds * 1000));
          clearInterval(timer); running = false;
          const q = (a, p) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : null; };
          const frames = state.stats.frames;
          return { renders: frames.length, renderP50: q(frames, 0.5), renderP99: q(frames, 0.99), renderMax: Math.max(...frames),
                   rafFrames: gaps.length, gapP50: q(gaps, 0.5), gapP99: q(gaps, 0.99), gapMax: Math.max(...gaps), seconds };
        })
        """;

    /// <summary>Runs the page for <paramref name="seconds"/> and returns the figures as JSON.</summary>
    public static async Task<JsonElement> MeasureAsync(Uri page, double seconds, CancellationToken ct)
    {
        using var profile = new TempDirectory("bench-chromium");
        var port = FreePort.Next();
        await using var chromium = ManagedProcess.Start(RealPeer.Chromium,
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--window-size=1920,1080", $"--remote-debugging-port={port}", $"--user-data-dir={profile.Path}", page.ToString(),
        ]);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        string? socketUrl = null;
        for (var attempt = 0; attempt < 100 && socketUrl is null; attempt++)
        {
            try
            {
                var targets = await http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{port}/json/list", ct);
                socketUrl = targets.EnumerateArray().FirstOrDefault(t => t.GetProperty("type").GetString() == "page" && t.GetProperty("url").GetString()!.StartsWith(page.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal))
                    is { ValueKind: JsonValueKind.Object } target ? target.GetProperty("webSocketDebuggerUrl").GetString() : null;
            }
            catch (HttpRequestException)
            {
            }

            if (socketUrl is null)
            {
                await Task.Delay(200, ct);
            }
        }

        if (socketUrl is null)
        {
            throw new InvalidOperationException($"Chromium opened no DevTools page target: {chromium.Output}");
        }

        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(socketUrl), ct);
        var expression = $"({Script})({seconds.ToString(CultureInfo.InvariantCulture)})";
        var command = JsonSerializer.SerializeToUtf8Bytes(new { id = 1, method = "Runtime.evaluate", @params = new { expression, awaitPromise = true, returnByValue = true } });
        await socket.SendAsync(command, WebSocketMessageType.Text, endOfMessage: true, ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds + 60));
        while (true)
        {
            using var message = JsonDocument.Parse(await ReceiveAsync(socket, timeout.Token));
            if (message.RootElement.TryGetProperty("id", out var id) && id.GetInt32() == 1)
            {
                var result = message.RootElement.GetProperty("result");
                if (result.TryGetProperty("exceptionDetails", out var error))
                {
                    throw new InvalidOperationException($"the page script failed: {error}");
                }

                return result.GetProperty("result").GetProperty("value").Clone();
            }
        }
    }

    private static async Task<string> ReceiveAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        using var text = new MemoryStream();
        WebSocketReceiveResult received;
        do
        {
            received = await socket.ReceiveAsync(buffer, ct);
            text.Write(buffer, 0, received.Count);
        }
        while (!received.EndOfMessage);
        return Encoding.UTF8.GetString(text.ToArray());
    }
}
