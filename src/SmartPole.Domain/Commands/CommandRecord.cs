namespace SmartPole.Domain.Commands;

/// <summary>A command and its progress.</summary>
/// <param name="Id">Command id (the last topic level of <c>cmd/{id}</c>).</param>
/// <param name="Request">What was asked.</param>
/// <param name="Status">Where it is.</param>
/// <param name="AcceptedAt">When the twin took it in.</param>
/// <param name="Deadline">When it times out unless answered.</param>
/// <param name="SentAt">When it was published, or null.</param>
/// <param name="CompletedAt">When it was acked, failed or timed out, or null.</param>
/// <param name="Detail">The pole's detail or the failure reason, or null.</param>
public sealed record CommandRecord(
    string Id,
    CommandRequest Request,
    CommandStatus Status,
    DateTimeOffset AcceptedAt,
    DateTimeOffset Deadline,
    DateTimeOffset? SentAt = null,
    DateTimeOffset? CompletedAt = null,
    string? Detail = null)
{
    /// <summary>True once acked, failed or timed out.</summary>
    public bool IsFinal => Status is CommandStatus.Acked or CommandStatus.Failed or CommandStatus.TimedOut;
}
