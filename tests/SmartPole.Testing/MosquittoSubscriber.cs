using System.Diagnostics;
using System.Text;

namespace SmartPole.Testing;

/// <summary>
/// A real <c>mosquitto_sub</c> as an independent witness: it subscribes, records every message as
/// "topic payload", and lets a test await a number of matching messages.
/// </summary>
public sealed class MosquittoSubscriber : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<string> _messages = [];
    private readonly List<string> _diagnostics = [];
    private readonly List<Waiter> _waiters = [];

    private MosquittoSubscriber(Process process) => _process = process;

    /// <summary>Every message received so far, as "topic payload".</summary>
    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>Starts mosquitto_sub on 127.0.0.1:<paramref name="port"/> and returns once the broker acknowledged the subscription.</summary>
    public static async Task<MosquittoSubscriber> StartAsync(int port, string topicFilter, int qos = 1, TimeSpan? timeout = null)
    {
        // mosquitto_sub block-buffers its debug trace into a pipe; stdbuf makes it line-buffered so "Subscribed" arrives at once.
        var info = new ProcessStartInfo(RealPeer.Require("stdbuf", "apt-get install -y coreutils", "/usr/bin/stdbuf"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in new[] { "-oL", RealPeer.MosquittoSub, "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-t", topicFilter, "-q", qos.ToString(System.Globalization.CultureInfo.InvariantCulture), "-v", "-d", "-i", "witness-" + Guid.NewGuid().ToString("N")[..12] })
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var subscriber = new MosquittoSubscriber(process);
        var subscribed = subscriber.WaitForDiagnosticAsync("Subscribed");
        process.OutputDataReceived += (_, e) => subscriber.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => subscriber.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        if (await Task.WhenAny(subscribed, Task.Delay(limit)) != subscribed)
        {
            await subscriber.DisposeAsync();
            throw new TimeoutException($"mosquitto_sub did not subscribe to {topicFilter} on port {port} within {limit}. Output:\n{string.Join('\n', subscriber._diagnostics)}");
        }

        return subscriber;
    }

    /// <summary>Completes once at least <paramref name="count"/> received messages satisfy <paramref name="match"/>; throws on timeout.</summary>
    public async Task<IReadOnlyList<string>> WaitForMessagesAsync(Func<string, bool> match, int count, TimeSpan timeout)
    {
        Waiter waiter;
        lock (_gate)
        {
            var seen = _messages.Where(match).ToList();
            if (seen.Count >= count)
            {
                return seen;
            }

            waiter = new Waiter(match, count, seen.Count);
            _waiters.Add(waiter);
        }

        if (await Task.WhenAny(waiter.Signal.Task, Task.Delay(timeout)) != waiter.Signal.Task)
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
                throw new TimeoutException($"mosquitto_sub saw {waiter.Seen} of {count} matching messages within {timeout}.");
            }
        }

        lock (_gate)
        {
            return _messages.Where(match).ToList();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private Task WaitForDiagnosticAsync(string text)
    {
        var waiter = new Waiter(line => line.StartsWith(text, StringComparison.Ordinal), 1, 0) { Diagnostic = true };
        lock (_gate)
        {
            _waiters.Add(waiter);
        }

        return waiter.Signal.Task;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        // With -d, mosquitto_sub interleaves protocol traces ("Client … received PUBLISH") with the messages.
        var diagnostic = line.StartsWith("Client ", StringComparison.Ordinal) || line.StartsWith("Subscribed", StringComparison.Ordinal);
        List<TaskCompletionSource> done = [];
        lock (_gate)
        {
            (diagnostic ? _diagnostics : _messages).Add(line);
            foreach (var waiter in _waiters.Where(w => w.Diagnostic == diagnostic && w.Match(line)).ToList())
            {
                if (++waiter.Seen >= waiter.Count)
                {
                    _waiters.Remove(waiter);
                    done.Add(waiter.Signal);
                }
            }
        }

        foreach (var signal in done)
        {
            signal.TrySetResult();
        }
    }

    private sealed class Waiter(Func<string, bool> match, int count, int seen)
    {
        public Func<string, bool> Match { get; } = match;

        public int Count { get; } = count;

        public int Seen { get; set; } = seen;

        public bool Diagnostic { get; init; }

        public TaskCompletionSource Signal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
