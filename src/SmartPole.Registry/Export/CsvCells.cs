namespace SmartPole.Registry.Export;

/// <summary>
/// Writes CSV cells (RFC 4180) that a spreadsheet opens as text: a free-text cell starting with
/// <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return would be run as a formula
/// (CSV injection), so it gets a leading apostrophe, which spreadsheets show as "this is text".
/// </summary>
internal static class CsvCells
{
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return Quote(value);
    }

    /// <summary>A cell we formatted ourselves (ids by the id rule, invariant numbers): quoted when needed, never altered.</summary>
    public static string Plain(string? value) => string.IsNullOrEmpty(value) ? "" : Quote(value);

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
