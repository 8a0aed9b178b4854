using System.Globalization;
using System.Text;

namespace EdgeLLM.Service.Metrics;

/// <summary>Writes the Prometheus text exposition format (version 0.0.4).</summary>
public sealed class PrometheusWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";
    private readonly StringBuilder _text = new(4096);

    public void Family(string name, string type, string help) =>
        _text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
             .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    public void Sample(string name, string labels, double value)
    {
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{').Append(labels).Append('}');
        }
        _text.Append(' ').Append(Format(value)).Append('\n');
    }

    /// <summary>One family with a single unlabeled sample.</summary>
    public void Single(string name, string type, string help, double value)
    {
        Family(name, type, help);
        Sample(name, "", value);
    }

    public static string Label(string name, string value) =>
        $"{name}=\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"";

    public static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);

    public override string ToString() => _text.ToString();
}
