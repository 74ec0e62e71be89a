namespace SmartPole.Registry.Import;

/// <summary>One problem in an import file.</summary>
/// <param name="Row">For CSV the record number (the header is row 1); for JSON the line of a syntax error, or the pole's position (1 = first) for a value error; 0 for the file as a whole.</param>
/// <param name="Column">For CSV the column name; for JSON the member path (<c>devices[0].kind</c>); empty for the file as a whole.</param>
/// <param name="Message">What is wrong, and what would be right.</param>
public sealed record ImportError(int Row, string Column, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Row == 0 ? Message : $"row {Row}, {Column}: {Message}";
}
