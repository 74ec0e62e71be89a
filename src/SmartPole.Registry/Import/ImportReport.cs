namespace SmartPole.Registry.Import;

/// <summary>What an import changed.</summary>
/// <param name="Created">Poles that were new.</param>
/// <param name="Updated">Poles that existed and whose row changed (their devices were replaced by the file's).</param>
/// <param name="Unchanged">Poles exactly as already registered (re-importing a file changes nothing).</param>
/// <param name="Devices">Devices in the file.</param>
public sealed record ImportReport(int Created, int Updated, int Unchanged, int Devices);
