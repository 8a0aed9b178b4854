using System.Text.Json.Serialization;

namespace EdgeLLM.Runtime.Devices;

/// <summary>
/// Source-generated JSON for profiles: snake_case names, comments allowed, unknown fields refused so that a
/// misspelt key is an error rather than a silently ignored setting.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    WriteIndented = true)]
[JsonSerializable(typeof(DeviceProfile))]
internal sealed partial class DeviceProfileJsonContext : JsonSerializerContext;
