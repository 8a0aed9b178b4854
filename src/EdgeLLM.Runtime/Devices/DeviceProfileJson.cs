using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeLLM.Runtime.Devices;

/// <summary>
/// JSON settings for profiles: snake_case names, comments allowed, unknown fields refused so that a misspelt key
/// is an error rather than a silently ignored setting. Reflection-based on purpose: the source generator assigns
/// every init-only property, so fields left out of a file would lose their defaults (<c>zone: auto</c>, ...).
/// </summary>
internal static class DeviceProfileJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
    };
}
