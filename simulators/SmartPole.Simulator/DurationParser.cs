using System.Globalization;

namespace SmartPole.Simulator;

/// <summary>Reads durations the way people write them on a command line: <c>500ms</c>, <c>10s</c>, <c>1m</c>, <c>2h</c>, <c>1h30m</c>, or plain seconds.</summary>
internal static class DurationParser
{
    public const string Hint = "use e.g. 500ms, 10s, 1m, 2h or 1h30m";

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var span = text.AsSpan().Trim();
        if (span.IsEmpty)
        {
            return false;
        }

        if (double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var bareSeconds))
        {
            return TryFrom(bareSeconds, 1000, out duration);
        }

        var total = 0.0;
        while (!span.IsEmpty)
        {
            var digits = 0;
            while (digits < span.Length && (char.IsAsciiDigit(span[digits]) || span[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0 || !double.TryParse(span[..digits], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            span = span[digits..];
            var unitLength = 0;
            while (unitLength < span.Length && char.IsAsciiLetter(span[unitLength]))
            {
                unitLength++;
            }

            double? millisecondsPerUnit = span[..unitLength] switch
            {
                "ms" => 1,
                "s" => 1_000,
                "m" or "min" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                _ => null,
            };
            if (millisecondsPerUnit is null)
            {
                return false;
            }

            total += number * millisecondsPerUnit.Value;
            span = span[unitLength..];
        }

        return TryFrom(total, 1, out duration);
    }

    private static bool TryFrom(double amount, double millisecondsPerUnit, out TimeSpan duration)
    {
        var milliseconds = amount * millisecondsPerUnit;
        if (double.IsNaN(milliseconds) || milliseconds < 0 || milliseconds > TimeSpan.MaxValue.TotalMilliseconds)
        {
            duration = TimeSpan.Zero;
            return false;
        }

        duration = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }
}
