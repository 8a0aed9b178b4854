using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeLLM.Runtime.Devices;

/// <summary>
/// JSON settings for profiles: snake_case names, comments allowed, unknown fields refused so that a misspelt key
/// is an error rather than a silently ignored setting. Source-generated for the Native AOT build; the profile
/// records have setters so that fields left out of a file keep their defaults (see <see cref="DeviceProfile"/>).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    WriteIndented = true)]
[JsonSerializable(typeof(DeviceProfile))]
internal sealed partial class DeviceProfileJson : JsonSerializerContext;
