namespace SmartPole.Actors;

/// <summary>A control message in a mailbox: deactivate once the turns queued before it have run.</summary>
internal sealed class DeactivationRequest
{
    /// <summary>Queued by the idle scan; shared, since nobody waits on it.</summary>
    public static readonly DeactivationRequest Idle = new(ActorDeactivationReason.Idle, waitable: false, CancellationToken.None);

    private readonly TaskCompletionSource? _done;

    public DeactivationRequest(ActorDeactivationReason reason, bool waitable, CancellationToken ct)
    {
        Reason = reason;
        CancellationToken = ct;
        _done = waitable ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
    }

    public ActorDeactivationReason Reason { get; }

    public CancellationToken CancellationToken { get; }

    public Task Completion => _done?.Task ?? Task.CompletedTask;

    public void Complete() => _done?.TrySetResult();
}
