using System.Text.Json;

namespace EdgeLLM.Cli.Fleet;

/// <summary>
/// What the broker says about one device: its retained status (<c>{"state","model","model_version","runtime_version",
/// "execution_provider","device_profile","since"}</c>), its retained OTA status, and when this tool last heard from it live.
/// </summary>
internal sealed record FleetDevice(string Id)
{
    public string? State { get; init; }

    public string? Model { get; init; }

    /// <summary>The version the device serves: the version of the manifest it installed (or its built-in model's).</summary>
    public string? ModelVersion { get; init; }

    public string? RuntimeVersion { get; init; }

    public string? ExecutionProvider { get; init; }

    public string? Profile { get; init; }

    /// <summary>The device's OTA group (<c>ota_group</c>, an extension of the status, docs/OTA.md); null from devices that do not say.</summary>
    public string? Group { get; init; }

    /// <summary>The status's <c>since</c>: when the service started serving (absent from the Last Will's offline status).</summary>
    public DateTimeOffset? Since { get; init; }

    public FleetOtaStatus? Ota { get; init; }

    /// <summary>When this tool last received a live (not retained) message from the device: telemetry or a fresh status.</summary>
    public DateTimeOffset? LastLive { get; init; }

    /// <summary>The latest proof of life: a live message, else the retained status's <c>since</c> unless the device is offline.</summary>
    public DateTimeOffset? LastSeen => LastLive ?? (State is "offline" ? null : Since);

    /// <summary>The device with its retained status replaced by <paramref name="payload"/> (empty: the status was cleared).</summary>
    public FleetDevice WithStatus(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return this with { State = null, Model = null, ModelVersion = null, RuntimeVersion = null, ExecutionProvider = null, Profile = null, Group = null, Since = null };
        }

        try
        {
            using var document = JsonDocument.Parse(payload.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return this;
            }

            var state = FleetJsonFields.String(root, "state");
            // The Last Will carries only the state: keep what the device said about its model while it was up.
            return state == "offline" && !root.TryGetProperty("model", out _)
                ? this with { State = state }
                : this with
                {
                    State = state,
                    Model = FleetJsonFields.String(root, "model"),
                    ModelVersion = FleetJsonFields.String(root, "model_version"),
                    RuntimeVersion = FleetJsonFields.String(root, "runtime_version"),
                    ExecutionProvider = FleetJsonFields.String(root, "execution_provider"),
                    Profile = FleetJsonFields.String(root, "device_profile"),
                    Group = FleetJsonFields.String(root, "ota_group"),
                    Since = FleetJsonFields.Time(root, "since"),
                };
        }
        catch (JsonException)
        {
            return this;
        }
    }
}
