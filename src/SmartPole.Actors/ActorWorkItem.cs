namespace SmartPole.Actors;

/// <summary>A queued call that reports its outcome back to a waiting caller.</summary>
internal abstract class ActorWorkItem<TActor>
    where TActor : Actor
{
    /// <summary>The caller's token: a call cancelled before its turn starts is skipped.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Runs the call and keeps its result; the caller hears of it only at <see cref="Complete"/>.</summary>
    public abstract ValueTask ExecuteAsync(TActor actor);

    /// <summary>
    /// Hands the kept result to the caller. Called once the turn is counted, so a caller that saw its result
    /// also sees its turn in the host's counters.
    /// </summary>
    public abstract void Complete();

    public abstract void Fail(Exception exception);
}
