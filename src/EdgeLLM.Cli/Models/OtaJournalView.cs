using System.Text.Json;

namespace EdgeLLM.Cli.Models;

/// <summary>
/// The active and previous versions named by the OTA journal (<c>&lt;state&gt;/ota/ota-state.json</c>, written by the
/// service's OTA store), read-only. Read here rather than through the store so listing models never touches its locks.
/// </summary>
internal sealed record OtaJournalView(string? ActiveDirectory, string? PreviousDirectory, bool ActiveIsBuiltin, bool PreviousIsBuiltin)
{
    public static OtaJournalView Read(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, "ota", "ota-state.json");
        if (!File.Exists(path))
        {
            return new OtaJournalView(null, null, false, false);
        }
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var (active, activeBuiltin) = Entry(doc.RootElement, "active", stateDirectory);
            var (previous, previousBuiltin) = Entry(doc.RootElement, "previous", stateDirectory);
            return new OtaJournalView(active, previous, activeBuiltin, previousBuiltin);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return new OtaJournalView(null, null, false, false);
        }
    }

    private static (string? Directory, bool Builtin) Entry(JsonElement root, string name, string stateDirectory)
    {
        if (!root.TryGetProperty(name, out var e) || e.ValueKind != JsonValueKind.Object)
        {
            return (null, false);
        }
        var builtin = e.TryGetProperty("builtin", out var b) && b.ValueKind == JsonValueKind.True;
        var dir = e.TryGetProperty("directory", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        return (dir is null ? null : Path.GetFullPath(Path.Combine(stateDirectory, dir)), builtin);
    }
}
