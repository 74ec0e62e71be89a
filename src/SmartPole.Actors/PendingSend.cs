namespace SmartPole.Actors;

/// <summary>A sender waiting for room in a full mailbox; the cell moves its message in when a slot frees.</summary>
internal sealed class PendingSend(object message) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public object Message { get; } = message;

    public CancellationTokenRegistration Registration { get; set; }
}
