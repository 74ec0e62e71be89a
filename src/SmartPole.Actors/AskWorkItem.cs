using System.Threading.Tasks.Sources;

namespace SmartPole.Actors;

/// <summary>A request/response call: one allocation carries the call, its token and the caller's awaitable.</summary>
internal sealed class AskWorkItem<TActor, TResult> : ActorWorkItem<TActor>, IValueTaskSource<TResult>
    where TActor : Actor
{
    private readonly Func<TActor, CancellationToken, ValueTask<TResult>> _call;
    private readonly CancellationToken _ct;
    private TResult? _result;

    // The caller's continuation must not run inline on the actor's turn, or it would hold the actor.
    private ManualResetValueTaskSourceCore<TResult> _core = new() { RunContinuationsAsynchronously = true };

    public AskWorkItem(Func<TActor, CancellationToken, ValueTask<TResult>> call, CancellationToken ct)
    {
        _call = call;
        _ct = ct;
    }

    public override CancellationToken CancellationToken => _ct;

    public ValueTask<TResult> Task => new(this, _core.Version);

    public override async ValueTask ExecuteAsync(TActor actor)
    {
        // Exceptions propagate to the cell, which counts the failed turn and calls Fail.
        _result = await _call(actor, _ct).ConfigureAwait(false);
    }

    public override void Complete() => _core.SetResult(_result!);

    public override void Fail(Exception exception) => _core.SetException(exception);

    public TResult GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
