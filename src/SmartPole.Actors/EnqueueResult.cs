namespace SmartPole.Actors;

/// <summary>What happened to a message offered to a cell.</summary>
internal enum EnqueueResult
{
    Enqueued,
    Full,
    Waiting,
    Removed,
}
