using System.Globalization;

namespace SmartPole.Telemetry;

/// <summary>
/// One series of an InfluxQL answer: its measurement name, its GROUP BY tags, its columns and its rows. Cells are
/// typed: <see cref="DateTimeOffset"/> for <c>time</c>, <see cref="long"/> for integral numbers, <see cref="double"/>
/// for others, <see cref="string"/>, <see cref="bool"/>, or null. JSON does not say whether <c>2</c> was a float,
/// so read numeric cells with <see cref="GetDouble"/>.
/// </summary>
public sealed record InfluxSeries(
    string Name,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyList<object?>> Values)
{
    /// <summary>The index of <paramref name="column"/>, or -1.</summary>
    public int ColumnIndex(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i], column, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Cell (<paramref name="row"/>, <paramref name="column"/>) as a number; booleans as 1/0; null when empty or not numeric.</summary>
    public double? GetDouble(int row, string column)
    {
        var index = ColumnIndex(column);
        return index < 0 ? null : Values[row][index] switch
        {
            double d => d,
            long l => l,
            bool b => b ? 1 : 0,
            _ => null,
        };
    }

    /// <summary>The <c>time</c> of row <paramref name="row"/>.</summary>
    public DateTimeOffset GetTime(int row) =>
        Values[row][ColumnIndex("time")] is DateTimeOffset time
            ? time
            : throw new InvalidOperationException($"Row {row.ToString(CultureInfo.InvariantCulture)} of '{Name}' has no time.");
}
