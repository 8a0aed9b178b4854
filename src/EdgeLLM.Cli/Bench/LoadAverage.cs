using System.Globalization;

namespace EdgeLLM.Cli.Bench;

/// <summary>The one-minute load average (<c>/proc/loadavg</c>): a speed figure means something only when it is low.</summary>
internal static class LoadAverage
{
    /// <summary>The one-minute load average; NaN where the system does not tell.</summary>
    public static double Read()
    {
        try
        {
            return Parse(File.ReadAllText("/proc/loadavg"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return double.NaN;
        }
    }

    /// <summary>The first field of a <c>/proc/loadavg</c> line; NaN when it is not a number.</summary>
    public static double Parse(string line)
    {
        var end = line.IndexOf(' ', StringComparison.Ordinal);
        return double.TryParse(end < 0 ? line : line[..end], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN;
    }
}
