using System.Globalization;

namespace SmartPole.Benchmarks;

/// <summary>What the figures were measured on: CPU model, cores, OS and the load average at start.</summary>
internal sealed record MachineInfo(string CpuModel, int Cores, string Os, string Runtime, double LoadAverage1, double LoadAverage5, DateTimeOffset StartedAt)
{
    public static MachineInfo Capture(TimeProvider time)
    {
        var (one, five) = LoadAverage();
        return new MachineInfo(
            ReadCpuModel(),
            Environment.ProcessorCount,
            System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            one,
            five,
            time.GetUtcNow());
    }

    /// <summary>The 1- and 5-minute load averages from /proc/loadavg (NaN when unreadable).</summary>
    public static (double One, double Five) LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return (double.NaN, double.NaN);
        }
    }

    private static string ReadCpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
