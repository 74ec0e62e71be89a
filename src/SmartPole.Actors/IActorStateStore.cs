namespace SmartPole.Actors;

/// <summary>
/// Where actors keep their state between activations, without knowing the medium. An actor reads
/// in <see cref="Actor.OnActivateAsync"/> and writes in <see cref="Actor.OnDeactivateAsync"/> (or
/// more often, if it must survive a crash). State is opaque bytes; the actor owns the format.
/// </summary>
public interface IActorStateStore
{
    /// <summary>The state last written for (<paramref name="actorType"/>, <paramref name="key"/>), or null if none.</summary>
    ValueTask<byte[]?> ReadAsync(string actorType, string key, CancellationToken ct);

    /// <summary>Replaces the state of (<paramref name="actorType"/>, <paramref name="key"/>) as one unit: a reader sees the old or the new bytes, never a mix.</summary>
    ValueTask WriteAsync(string actorType, string key, ReadOnlyMemory<byte> state, CancellationToken ct);

    /// <summary>Forgets the state of (<paramref name="actorType"/>, <paramref name="key"/>); no error if there is none.</summary>
    ValueTask ClearAsync(string actorType, string key, CancellationToken ct);
}
