using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace SmartPole.Testing;

/// <summary>
/// A child process started by a test: its output is captured line by line, a test can await a
/// line, and disposing kills the whole process tree.
/// </summary>
public sealed class ManagedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Signal)> _waiters = [];
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ManagedProcess(Process process) => _process = process;

    /// <summary>Every line the process wrote so far, stdout and stderr interleaved.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>Everything the process wrote so far, for failure messages.</summary>
    public string Output => string.Join('\n', _lines);

    /// <summary>Completes with the exit code when the process ends.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>The operating-system process id.</summary>
    public int Id => _process.Id;

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>.</summary>
    public static ManagedProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var managed = new ManagedProcess(process);
        process.OutputDataReceived += (_, e) => managed.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => managed.OnLine(e.Data);
        process.Exited += (_, _) => managed.OnExited();
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {fileName}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return managed;
    }

    /// <summary>Waits for a line that satisfies <paramref name="match"/> (already written or still to come).</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        TaskCompletionSource<string> signal;
        lock (_gate)
        {
            var seen = _lines.FirstOrDefault(match);
            if (seen is not null)
            {
                return seen;
            }

            signal = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, signal));
        }

        var finished = await Task.WhenAny(signal.Task, _exited.Task, Task.Delay(timeout));
        if (finished == signal.Task)
        {
            return await signal.Task;
        }

        if (finished == _exited.Task)
        {
            // Exited fires before the last redirected lines are read: drain them, the line may be among them.
            await _process.WaitForExitAsync();
            lock (_gate)
            {
                var late = _lines.FirstOrDefault(match);
                if (late is not null)
                {
                    return late;
                }
            }
        }

        var why = finished == _exited.Task ? $"exited with code {_exited.Task.Result}" : $"wrote no such line within {timeout}";
        throw new TimeoutException($"Process {_process.StartInfo.FileName} {why}. Its output:\n{Output}");
    }

    /// <summary>Waits for the process to end by itself.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(_exited.Task, Task.Delay(timeout));
        if (finished != _exited.Task)
        {
            throw new TimeoutException($"Process {_process.StartInfo.FileName} still runs after {timeout}. Its output:\n{Output}");
        }

        // Exited fires before the last redirected lines are read; WaitForExit() drains them.
        await _process.WaitForExitAsync();
        return _exited.Task.Result;
    }

    /// <summary>Writes one line to the process's standard input.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Sends SIGKILL to the process (a crash, as far as it knows).</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        List<TaskCompletionSource<string>> hits = [];
        lock (_gate)
        {
            _lines.Enqueue(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    hits.Add(_waiters[i].Signal);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var hit in hits)
        {
            hit.TrySetResult(line);
        }
    }

    private void OnExited()
    {
        try
        {
            _exited.TrySetResult(_process.ExitCode);
        }
        catch (InvalidOperationException)
        {
            _exited.TrySetResult(-1);
        }
    }
}
