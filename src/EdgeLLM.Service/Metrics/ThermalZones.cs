using System.Globalization;

namespace EdgeLLM.Service.Metrics;

/// <summary>Temperatures of <c>/sys/class/thermal/thermal_zone*/temp</c> (millidegrees Celsius).</summary>
public static class ThermalZones
{
    public static double? HottestCelsius(string root = "/")
    {
        var dir = Path.Combine(root, "sys/class/thermal");
        if (!Directory.Exists(dir))
        {
            return null;
        }
        double? hottest = null;
        foreach (var zone in Directory.EnumerateDirectories(dir, "thermal_zone*"))
        {
            try
            {
                if (long.TryParse(File.ReadAllText(Path.Combine(zone, "temp")).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var milli))
                {
                    hottest = Math.Max(hottest ?? double.MinValue, milli / 1000.0);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return hottest;
    }
}
