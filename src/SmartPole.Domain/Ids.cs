using System.Text.RegularExpressions;

namespace SmartPole.Domain;

/// <summary>Rules for city and pole ids: lowercase <c>[a-z0-9-]{1,64}</c>; <c>provision</c> is reserved.</summary>
public static partial class Ids
{
    /// <summary>The word that may not be a pole id (it names the provisioning topic).</summary>
    public const string Reserved = "provision";

    /// <summary>True when <paramref name="id"/> is a valid city or pole id.</summary>
    public static bool IsValid(ReadOnlySpan<char> id) =>
        id.Length is >= 1 and <= 64 && !id.SequenceEqual(Reserved) && IdPattern().IsMatch(id);

    [GeneratedRegex("^[a-z0-9-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
