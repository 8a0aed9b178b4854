using System.Globalization;

namespace EdgeLLM.Ota.Manifests;

/// <summary>
/// Orders model and runtime versions: dot-separated parts compared left to right, numerically when both
/// parts are unsigned integers and ordinally otherwise; missing parts count as <c>0</c> (so <c>1.2</c>
/// equals <c>1.2.0</c>). Build metadata after <c>+</c> is ignored.
/// </summary>
/// <example><c>2026.11.2 &lt; 2026.11.10</c>, <c>0.9 &lt; 0.10.0</c>, <c>1.0-rc1 &lt; 1.0-rc2</c>.</example>
public static class OtaVersion
{
    /// <summary>Negative when <paramref name="left"/> is older than <paramref name="right"/>, 0 when equal, positive when newer.</summary>
    public static int Compare(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var a = StripBuildMetadata(left).Split('.');
        var b = StripBuildMetadata(right).Split('.');
        var count = Math.Max(a.Length, b.Length);
        for (var i = 0; i < count; i++)
        {
            var x = i < a.Length ? a[i] : "0";
            var y = i < b.Length ? b[i] : "0";
            int order;
            if (ulong.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var nx)
                && ulong.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out var ny))
            {
                order = nx.CompareTo(ny);
            }
            else
            {
                order = string.CompareOrdinal(x, y);
            }

            if (order != 0)
            {
                return Math.Sign(order);
            }
        }

        return 0;
    }

    private static string StripBuildMetadata(string version)
    {
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
