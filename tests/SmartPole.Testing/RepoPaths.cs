namespace SmartPole.Testing;

/// <summary>Locates the repository and the build outputs of the programs tests start.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The folder holding SmartPole.sln.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>The build configuration this test assembly was built with (Debug or Release).</summary>
    public static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release"
            : "Debug";

    /// <summary>Path of a built program's dll, e.g. ("src", "SmartPole.Server").</summary>
    public static string BuiltDll(string folder, string project)
    {
        var dll = Path.Combine(Root, folder, project, "bin", Configuration, "net10.0", project + ".dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is not built. Build the solution first: dotnet build SmartPole.sln -c {Configuration}");
        }

        return dll;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SmartPole.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("SmartPole.sln not found above " + AppContext.BaseDirectory);
    }
}
