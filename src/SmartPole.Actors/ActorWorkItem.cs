namespace SmartPole.Actors;

/// <summary>A queued call that reports its outcome back to a waiting caller.</summary>
internal abstract class ActorWorkItem<TActor>
    where TActor : Actor
{
    /// <summary>The caller's token: a call cancelled before its turn starts is skipped.</summary>
    public abstract CancellationToken CancellationToken { get; }

    public abstract ValueTask ExecuteAsync(TActor actor);

    public abstract void Fail(Exception exception);
}
