using System.Globalization;
using System.Text.Json;
using EdgeLLM.Service.Contract;

namespace EdgeLLM.Service.Ollama;

/// <summary>
/// Ollama's <c>keep_alive</c>: how long a model stays loaded after a request. A number is seconds, a string is a Go
/// duration (<c>"5m"</c>, <c>"1h30m"</c>, <c>"300ms"</c>); a negative value keeps the model loaded for good and 0
/// lets it go as soon as it is idle, as in Ollama. <see cref="Duration"/> is null for "for good".
/// </summary>
public readonly record struct KeepAlive(TimeSpan? Duration)
{
    /// <summary>Ollama's default when a request gives none: five minutes.</summary>
    public static KeepAlive Default => new(TimeSpan.FromMinutes(5));

    public static KeepAlive Forever => new(null);

    /// <summary>The request's <c>keep_alive</c>, or null when it gives none.</summary>
    /// <exception cref="FieldException">Neither a number nor a Go duration.</exception>
    internal static KeepAlive? Read(JsonElement root)
    {
        if (!root.TryGetProperty("keep_alive", out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        switch (v.ValueKind)
        {
            case JsonValueKind.Number when v.TryGetDouble(out var seconds) && double.IsFinite(seconds):
                return FromSeconds(seconds);
            case JsonValueKind.String:
                var text = Fields.Text(v, "keep_alive");
                return TryParseDuration(text, out var seconds2) ? FromSeconds(seconds2)
                    : throw new FieldException("keep_alive", $"\"{text}\" is not a duration: give seconds as a number, or a string like \"5m\", \"1h30m\" or \"-1\"");
            default:
                throw new FieldException("keep_alive", $"must be a number of seconds or a duration string, found {Fields.Kind(v)}");
        }
    }

    private static KeepAlive FromSeconds(double seconds) =>
        seconds < 0 ? Forever : new KeepAlive(seconds >= TimeSpan.MaxValue.TotalSeconds ? null : TimeSpan.FromSeconds(seconds));

    /// <summary>Go's <c>time.ParseDuration</c> grammar (which Ollama uses), plus a bare number of seconds.</summary>
    internal static bool TryParseDuration(string text, out double seconds)
    {
        seconds = 0;
        var s = text.Trim();
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain))
        {
            seconds = plain;
            return double.IsFinite(plain);
        }
        var sign = 1.0;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            sign = s[0] == '-' ? -1 : 1;
            s = s[1..];
        }
        if (s.Length == 0)
        {
            return false;
        }
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }
            if (!double.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }
            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }
            double? scale = s[unitStart..i] switch
            {
                "ns" => 1e-9,
                "us" or "µs" or "μs" => 1e-6,
                "ms" => 1e-3,
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                _ => null,
            };
            if (scale is not { } unit)
            {
                return false;
            }
            seconds += value * unit;
        }
        seconds *= sign;
        return double.IsFinite(seconds);
    }
}
