using System.Text.RegularExpressions;

namespace SmartPole.Telemetry;

/// <summary>
/// Finds, from InfluxDB's error message, which lines of a refused batch it refused: a parse error quotes the line
/// (<c>unable to parse '…': reason</c>), a field type conflict names the measurement, field and the type sent
/// (<c>input field "f" on measurement "m" is type integer, already exists as type float</c>). What cannot be
/// told from the message is found by splitting the batch instead.
/// </summary>
internal static partial class RefusedLines
{
    /// <summary>Indices in [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) the message names; empty when it names none.</summary>
    public static HashSet<int> Find(WriteBatch batch, int first, int count, string message)
    {
        var found = new HashSet<int>();
        var quoted = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in ParseError().Matches(message))
        {
            quoted.Add(match.Groups["line"].Value);
        }

        var conflicts = new List<(string Measurement, string Field, FieldType Type)>();
        foreach (Match match in TypeConflict().Matches(message))
        {
            if (TypeOf(match.Groups["type"].Value) is { } type)
            {
                conflicts.Add((Unquote(match.Groups["measurement"].Value), Unquote(match.Groups["field"].Value), type));
            }
        }

        if (quoted.Count == 0 && conflicts.Count == 0)
        {
            return found;
        }

        for (var i = first; i < first + count; i++)
        {
            var line = batch.Line(i);
            if (quoted.Contains(line))
            {
                found.Add(i);
                continue;
            }

            if (conflicts.Count > 0 && LineProtocolParser.TryParse(line, out var parsed)
                && conflicts.Any(c => c.Measurement == parsed!.Measurement && parsed.Field(c.Field)?.Type == c.Type))
            {
                found.Add(i);
            }
        }

        return found;
    }

    private static FieldType? TypeOf(string name) => name switch
    {
        "float" => FieldType.Float,
        "integer" => FieldType.Integer,
        "unsigned" => FieldType.Unsigned,
        "boolean" => FieldType.Boolean,
        "string" => FieldType.String,
        _ => null,
    };

    // Go's %q quoting as InfluxDB uses it in these messages: only \" and \\ occur in names.
    private static string Unquote(string quoted) => quoted.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    [GeneratedRegex(@"unable to parse '(?<line>.*?)': ", RegexOptions.CultureInvariant)]
    private static partial Regex ParseError();

    [GeneratedRegex("""input field "(?<field>(?:[^"\\]|\\.)*)" on measurement "(?<measurement>(?:[^"\\]|\\.)*)" is type (?<type>\w+)""", RegexOptions.CultureInvariant)]
    private static partial Regex TypeConflict();
}
