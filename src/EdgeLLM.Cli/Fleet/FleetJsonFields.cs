using System.Globalization;
using System.Text.Json;

namespace EdgeLLM.Cli.Fleet;

/// <summary>Lenient field access for what devices publish: a missing or mistyped field reads as null.</summary>
internal static class FleetJsonFields
{
    public static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static DateTimeOffset? Time(JsonElement element, string name) =>
        String(element, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
}
