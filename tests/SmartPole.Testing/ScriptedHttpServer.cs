using System.IO.Compression;
using System.Net;
using System.Text;

namespace SmartPole.Testing;

/// <summary>
/// A local HTTP server (HttpListener on a free loopback port) that records every request and answers as the
/// test scripts it: the seam where a client is checked against what a server it cannot run here would see.
/// </summary>
public sealed class ScriptedHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<RecordedRequest, Task<ScriptedResponse>> _respond;
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<(Func<IReadOnlyList<RecordedRequest>, bool> Condition, TaskCompletionSource Signal)> _waiters = [];
    private readonly Lock _gate = new();
    private readonly Task _loop;

    private ScriptedHttpServer(int port, Func<RecordedRequest, Task<ScriptedResponse>> respond)
    {
        Url = new Uri($"http://127.0.0.1:{port}/");
        _respond = respond;
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Base URL, e.g. http://127.0.0.1:PORT/.</summary>
    public Uri Url { get; }

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts a server that answers each request with <paramref name="respond"/>.</summary>
    public static ScriptedHttpServer Start(Func<RecordedRequest, Task<ScriptedResponse>> respond) => new(FreePort.Next(), respond);

    /// <summary>Starts a server that answers each request with <paramref name="respond"/>.</summary>
    public static ScriptedHttpServer Start(Func<RecordedRequest, ScriptedResponse> respond) => new(FreePort.Next(), r => Task.FromResult(respond(r)));

    /// <summary>Completes once the requests received satisfy <paramref name="condition"/>; throws after <paramref name="timeout"/>.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<RecordedRequest>, bool> condition, TimeSpan timeout)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(_requests))
            {
                return;
            }

            _waiters.Add((condition, signal));
        }

        if (await Task.WhenAny(signal.Task, Task.Delay(timeout)) != signal.Task)
        {
            throw new TimeoutException($"The requests did not reach the expected state within {timeout}; received {Requests.Count}.");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var raw = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(raw);
        var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
        var body = raw.ToArray();
        if (headers.TryGetValue("Content-Encoding", out var encoding) && encoding.Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            using var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            await gzip.CopyToAsync(plain);
            body = plain.ToArray();
        }

        var request = new RecordedRequest(
            context.Request.HttpMethod,
            context.Request.Url!.PathAndQuery,
            headers,
            (int)raw.Length,
            Encoding.UTF8.GetString(body),
            DateTimeOffset.UtcNow);
        int index;
        lock (_gate)
        {
            index = _requests.Count;
            _requests.Add(request);
        }

        ScriptedResponse response;
        try
        {
            response = await _respond(request);
        }
        catch (Exception e)
        {
            response = new ScriptedResponse(500, e.ToString());
        }

        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        var bytes = Encoding.UTF8.GetBytes(response.Body);
        if (bytes.Length > 0)
        {
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
        }

        lock (_gate)
        {
            _requests[index] = request with { Status = response.Status };
        }

        context.Response.Close();
        Signal();
    }

    private void Signal()
    {
        List<TaskCompletionSource> hits = [];
        lock (_gate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Condition(_requests))
                {
                    hits.Add(_waiters[i].Signal);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var hit in hits)
        {
            hit.TrySetResult();
        }
    }
}
