namespace SmartPole.Server.Poles;

/// <summary>The actor key of a pole: <c>{city}/{pole}</c> (ids never contain '/').</summary>
internal static class PoleKey
{
    public static string Of(string city, string pole) => string.Concat(city, "/", pole);

    public static (string City, string Pole) Parse(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return (key[..slash], key[(slash + 1)..]);
    }
}
