using System.Globalization;
using System.Text.Json;
using EdgeLLM.Ota.Device;
using EdgeLLM.Ota.Manifests;

namespace EdgeLLM.Ota;

/// <summary>
/// One OTA status update, published retained on <c>{root}/{device}/ota/status</c> as
/// <c>{"model","version","phase","progress","error","code"}</c> (see <see cref="ToJson"/>). <c>code</c> is an extension
/// of the contract (docs/OTA.md): the machine-readable reason of <c>error</c>, so that fleet tools tell a device
/// outside a rollout's percent (<c>not_in_rollout</c>) from one that refused the update without parsing text.
/// </summary>
/// <param name="Model">The manifest's model id (empty when the manifest could not be read).</param>
/// <param name="Version">The manifest's version (empty when the manifest could not be read).</param>
/// <param name="Phase">Where the update is.</param>
/// <param name="Progress">0 to 1 within the phase (the download fraction while downloading; 1 when active).</param>
/// <param name="Error">For <see cref="OtaPhase.Rejected"/> and <see cref="OtaPhase.RolledBack"/>: <c>"code: message"</c>, the code one of <see cref="OtaErrorCode"/> in snake_case.</param>
public sealed record OtaStatus(string Model, string Version, OtaPhase Phase, double Progress, string? Error)
{
    /// <summary>
    /// Bytes this update downloaded (<c>downloaded_bytes</c>, an extension: docs/OTA.md), once known; null before, and
    /// left out of the JSON then. With a manifest's <c>files</c> only what the device did not hold is downloaded.
    /// </summary>
    public long? DownloadedBytes { get; init; }

    /// <summary>Bytes of files reused from versions already on the device (<c>reused_bytes</c>), with <see cref="DownloadedBytes"/>.</summary>
    public long? ReusedBytes { get; init; }

    /// <summary>The phase as written in the JSON (<c>downloading</c>, …, <c>rolled_back</c>, <c>rejected</c>).</summary>
    public string PhaseName => ToWireName(Phase);

    /// <summary>The snake_case code that starts <see cref="Error"/> (<c>not_in_rollout</c>, <c>sha256_mismatch</c>, …), or null.</summary>
    public string? Code => Error is { } error && error.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? error[..colon] : null;

    /// <summary>Writes the contract's JSON object; <c>error</c> and <c>code</c> are null when there is none.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, OtaJson.CompactWriter))
        {
            writer.WriteStartObject();
            writer.WriteString("model", Model);
            writer.WriteString("version", Version);
            writer.WriteString("phase", PhaseName);
            writer.WriteNumber("progress", Math.Round(Math.Clamp(Progress, 0, 1), 4));
            if (Error is null)
            {
                writer.WriteNull("error");
            }
            else
            {
                writer.WriteString("error", Error);
            }

            if (Code is { } code)
            {
                writer.WriteString("code", code);
            }
            else
            {
                writer.WriteNull("code");
            }

            if (DownloadedBytes is { } downloaded)
            {
                writer.WriteNumber("downloaded_bytes", downloaded);
                writer.WriteNumber("reused_bytes", ReusedBytes ?? 0);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The wire name of a phase.</summary>
    public static string ToWireName(OtaPhase phase) => phase switch
    {
        OtaPhase.Downloading => "downloading",
        OtaPhase.Verifying => "verifying",
        OtaPhase.Staging => "staging",
        OtaPhase.Testing => "testing",
        OtaPhase.Active => "active",
        OtaPhase.RolledBack => "rolled_back",
        OtaPhase.Rejected => "rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Model}@{Version} {PhaseName} {Progress:0.###}{(Error is null ? "" : " " + Error)}");
}
