using Microsoft.Extensions.Logging;

namespace SmartPole.Actors;

/// <summary>The host's log messages; the actor type is in the logger's category.</summary>
internal static partial class ActorHostLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "A turn of actor {ActorKey} failed")]
    public static partial void TurnFailed(this ILogger logger, Exception exception, string actorKey);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "A timer turn of actor {ActorKey} failed")]
    public static partial void TimerFailed(this ILogger logger, Exception exception, string actorKey);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Activating actor {ActorKey} failed; the next call tries again")]
    public static partial void ActivationFailed(this ILogger logger, Exception exception, string actorKey);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Deactivating actor {ActorKey} ({Reason}) failed")]
    public static partial void DeactivationFailed(this ILogger logger, Exception exception, string actorKey, ActorDeactivationReason reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Critical, Message = "The mailbox of actor {ActorKey} failed outside a turn")]
    public static partial void CellFailed(this ILogger logger, Exception exception, string actorKey);
}
