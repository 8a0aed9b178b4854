using System.Globalization;

namespace EdgeLLM.Runtime.Energy;

/// <summary>
/// The rails of one <c>vcgencmd pmic_read_adc</c> output, as the Raspberry Pi 5 firmware prints them:
/// <c>VDD_CORE_A current(7)=0.74170800A</c> and <c>VDD_CORE_V volt(15)=0.87902500V</c>, one per line, currents
/// first. A rail's power is its volts times its amps; rails with only a voltage (<c>EXT5V_V</c>, <c>BATT_V</c>)
/// carry no power of their own.
/// </summary>
public sealed record PmicAdcReading(IReadOnlyDictionary<string, double> Volts, IReadOnlyDictionary<string, double> Amps)
{
    /// <summary>Σ V·I over the rails that have both. This is the SoC, memory and I/O rails behind the PMIC:
    /// USB peripherals and the PMIC's own conversion loss are outside it, so the wall draw is higher.</summary>
    public double Watts
    {
        get
        {
            var sum = 0.0;
            foreach (var (rail, amps) in Amps)
            {
                if (Volts.TryGetValue(rail, out var volts))
                {
                    sum += volts * amps;
                }
            }
            return sum;
        }
    }

    /// <summary>Rails with both a voltage and a current.</summary>
    public int PoweredRails => Amps.Keys.Count(Volts.ContainsKey);

    /// <summary>Parses the command's text; unknown lines are skipped, so firmware that adds rails still parses.</summary>
    public static PmicAdcReading Parse(string text)
    {
        var volts = new Dictionary<string, double>(StringComparer.Ordinal);
        var amps = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var eq = line.LastIndexOf('=');
            if (eq < 0)
            {
                continue;
            }
            // "NAME_A current(7)" or, on some firmware, "NAME_A" alone before the '='.
            var head = line[..eq].Trim();
            var space = head.IndexOf(' ');
            var label = space < 0 ? head : head[..space];
            var value = line[(eq + 1)..].Trim().TrimEnd('A', 'V');
            if (label.Length < 3 || !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                continue;
            }
            var rail = label[..^2];
            if (label.EndsWith("_V", StringComparison.Ordinal))
            {
                volts[rail] = number;
            }
            else if (label.EndsWith("_A", StringComparison.Ordinal))
            {
                amps[rail] = number;
            }
        }
        return new PmicAdcReading(volts, amps);
    }
}
