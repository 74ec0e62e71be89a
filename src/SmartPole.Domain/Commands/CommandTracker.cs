namespace SmartPole.Domain.Commands;

/// <summary>
/// A pole's commands by id: open ones until they end, then a bounded history. Every change
/// returns the new record so the twin can report it.
/// </summary>
internal sealed class CommandTracker(int maxHistory)
{
    private List<CommandRecord>? _commands;

    public IReadOnlyList<CommandRecord> All => (IReadOnlyList<CommandRecord>?)_commands ?? [];

    public CommandRecord? Find(string id) => _commands?.Find(c => c.Id == id);

    public DateTimeOffset? NextDeadline
    {
        get
        {
            DateTimeOffset? next = null;
            foreach (var command in All)
            {
                if (!command.IsFinal && (next is null || command.Deadline < next))
                {
                    next = command.Deadline;
                }
            }

            return next;
        }
    }

    public CommandRecord Accept(string id, CommandRequest request, DateTimeOffset now, TimeSpan timeout)
    {
        if (Find(id) is not null)
        {
            throw new ArgumentException($"command id '{id}' is already in use on this pole", nameof(id));
        }

        var record = new CommandRecord(id, request, CommandStatus.Accepted, now, now + timeout);
        (_commands ??= []).Add(record);
        Trim();
        return record;
    }

    /// <summary>Moves an open command on; returns the changed record, or null when the id is unknown or already final.</summary>
    public CommandRecord? Update(string id, Func<CommandRecord, CommandRecord> change)
    {
        var index = _commands?.FindIndex(c => c.Id == id) ?? -1;
        if (index < 0 || _commands![index].IsFinal)
        {
            return null;
        }

        var changed = change(_commands[index]);
        _commands[index] = changed;
        return changed;
    }

    /// <summary>Times out every open command whose deadline has passed.</summary>
    public List<CommandRecord> Expire(DateTimeOffset now)
    {
        var expired = new List<CommandRecord>();
        for (var i = 0; _commands is not null && i < _commands.Count; i++)
        {
            var command = _commands[i];
            if (!command.IsFinal && command.Deadline <= now)
            {
                _commands[i] = command with { Status = CommandStatus.TimedOut, CompletedAt = now, Detail = "no ack before the deadline" };
                expired.Add(_commands[i]);
            }
        }

        return expired;
    }

    public void Restore(IEnumerable<CommandRecord> commands) => _commands = commands.Any() ? [.. commands] : null;

    // Keeps every open command and the newest final ones.
    private void Trim()
    {
        while (_commands!.Count > maxHistory && _commands.FindIndex(c => c.IsFinal) is >= 0 and var oldest)
        {
            _commands.RemoveAt(oldest);
        }
    }
}
