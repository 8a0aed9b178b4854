using System.Text.Json;

namespace EdgeLLM.Cli.Fleet;

/// <summary>A device's retained <c>{root}/{device}/ota/status</c>: <c>{"model","version","phase","progress","error","code"}</c>.</summary>
internal sealed record FleetOtaStatus(string Model, string Version, string Phase, double Progress, string? Error, string? Code)
{
    /// <summary>Bytes the update downloaded (<c>downloaded_bytes</c>, docs/OTA.md), once the device said.</summary>
    public long? DownloadedBytes { get; init; }

    /// <summary>Bytes of files it reused from versions it held (<c>reused_bytes</c>).</summary>
    public long? ReusedBytes { get; init; }

    /// <summary>The reason code: the <c>code</c> field, else (devices from before it) the start of <c>error</c> up to ':'.</summary>
    public string? ErrorCode => Code ?? (Error is { } error && error.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? error[..colon] : null);

    /// <summary>True for the phases of an update that is still running.</summary>
    public bool InProgress => Phase is "downloading" or "verifying" or "staging" or "testing";

    /// <summary>A rejection because the device's bucket is outside the rollout's percent (nothing was downloaded).</summary>
    public bool NotInRollout => Phase == "rejected" && ErrorCode == "not_in_rollout";

    /// <summary>Reads the payload; null when it is not such an object (a foreign publisher, a truncated message).</summary>
    public static FleetOtaStatus? Parse(ReadOnlySpan<byte> payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || FleetJsonFields.String(root, "phase") is not { } phase)
            {
                return null;
            }

            return new FleetOtaStatus(FleetJsonFields.String(root, "model") ?? "", FleetJsonFields.String(root, "version") ?? "", phase,
                root.TryGetProperty("progress", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble() : 0,
                FleetJsonFields.String(root, "error"), FleetJsonFields.String(root, "code"))
            {
                DownloadedBytes = root.TryGetProperty("downloaded_bytes", out var d) && d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out var downloaded) ? downloaded : null,
                ReusedBytes = root.TryGetProperty("reused_bytes", out var r) && r.ValueKind == JsonValueKind.Number && r.TryGetInt64(out var reused) ? reused : null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
