using System.Globalization;
using System.Text;

namespace SmartPole.Telemetry;

/// <summary>
/// Reads line protocol back, with InfluxDB 1.x's rules: a backslash escapes the next character while scanning,
/// but only the delimiters of each element are unescaped; every other backslash is literal.
/// </summary>
internal static class LineProtocolParser
{
    /// <summary>Parses one line (no newline); false for blank lines, comments and malformed lines.</summary>
    public static bool TryParse(ReadOnlySpan<char> line, out ParsedLine? parsed)
    {
        parsed = null;
        if (line.IsEmpty || line[0] == '#' || line[0] == ' ')
        {
            return false;
        }

        var keyEnd = ScanUnescaped(line, 0, ' ');
        if (keyEnd >= line.Length)
        {
            return false;
        }

        var seriesKey = line[..keyEnd];
        var measurementEnd = ScanUnescaped(seriesKey, 0, ',');
        var measurement = Unescape(seriesKey[..measurementEnd], ", ");
        var tags = new List<KeyValuePair<string, string>>();
        var at = measurementEnd + 1;
        while (at < seriesKey.Length)
        {
            var end = ScanUnescaped(seriesKey, at, ',');
            var pair = seriesKey[at..end];
            var equals = ScanUnescaped(pair, 0, '=');
            if (equals >= pair.Length || equals == 0 || equals == pair.Length - 1)
            {
                return false;
            }

            tags.Add(new(Unescape(pair[..equals], ",= "), Unescape(pair[(equals + 1)..], ",= ")));
            at = end + 1;
        }

        var fields = new List<ParsedField>();
        at = keyEnd + 1;
        while (true)
        {
            var equals = ScanUnescaped(line, at, '=');
            if (equals >= line.Length || equals == at)
            {
                return false;
            }

            var key = Unescape(line[at..equals], ",= ");
            at = equals + 1;
            if (at >= line.Length)
            {
                return false;
            }

            ParsedField field;
            if (line[at] == '"')
            {
                var text = new StringBuilder();
                at++;
                while (at < line.Length && line[at] != '"')
                {
                    if (line[at] == '\\' && at + 1 < line.Length && line[at + 1] is '"' or '\\')
                    {
                        at++;
                    }

                    text.Append(line[at]);
                    at++;
                }

                if (at >= line.Length)
                {
                    return false;
                }

                at++;
                field = new ParsedField(key, FieldType.String, null, text.ToString());
            }
            else
            {
                var end = at;
                while (end < line.Length && line[end] != ',' && line[end] != ' ')
                {
                    end++;
                }

                if (!TryParseScalar(key, line[at..end], out field!))
                {
                    return false;
                }

                at = end;
            }

            fields.Add(field);
            if (at >= line.Length || line[at] == ' ')
            {
                break;
            }

            at++;
        }

        long? timestamp = null;
        if (at < line.Length)
        {
            if (!long.TryParse(line[(at + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ts))
            {
                return false;
            }

            timestamp = ts;
        }

        parsed = new ParsedLine
        {
            Measurement = measurement,
            SeriesKey = seriesKey.ToString(),
            Tags = tags,
            Fields = fields,
            Timestamp = timestamp,
        };
        return true;
    }

    private static bool TryParseScalar(string key, ReadOnlySpan<char> text, out ParsedField? field)
    {
        field = null;
        if (text.IsEmpty)
        {
            return false;
        }

        var last = text[^1];
        if (last == 'i' && long.TryParse(text[..^1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            field = new ParsedField(key, FieldType.Integer, integer, null);
            return true;
        }

        if (last == 'u' && ulong.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var unsigned))
        {
            field = new ParsedField(key, FieldType.Unsigned, unsigned, null);
            return true;
        }

        switch (text)
        {
            case "t" or "T" or "true" or "True" or "TRUE":
                field = new ParsedField(key, FieldType.Boolean, 1, null);
                return true;
            case "f" or "F" or "false" or "False" or "FALSE":
                field = new ParsedField(key, FieldType.Boolean, 0, null);
                return true;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            field = new ParsedField(key, FieldType.Float, number, null);
            return true;
        }

        return false;
    }

    private static int ScanUnescaped(ReadOnlySpan<char> text, int from, char delimiter)
    {
        var i = from;
        while (i < text.Length)
        {
            if (text[i] == '\\')
            {
                i += 2;
                continue;
            }

            if (text[i] == delimiter)
            {
                return i;
            }

            i++;
        }

        return text.Length;
    }

    private static string Unescape(ReadOnlySpan<char> text, string delimiters)
    {
        if (text.IndexOf('\\') < 0)
        {
            return text.ToString();
        }

        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && delimiters.Contains(text[i + 1], StringComparison.Ordinal))
            {
                i++;
            }

            builder.Append(text[i]);
        }

        return builder.ToString();
    }
}
