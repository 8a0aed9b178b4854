using System.Text.Json;
using EdgeLLM.Ota.Store;

namespace EdgeLLM.Cli.Models;

/// <summary>
/// The active and previous versions named by the OTA journal (<c>&lt;state&gt;/ota/ota-state.json</c>), read through
/// OTA's own <see cref="OtaStateStore"/>: read-only, so listing models never takes the updater's locks.
/// </summary>
internal sealed record OtaJournalView(string? ActiveDirectory, string? PreviousDirectory, bool ActiveIsBuiltin, bool PreviousIsBuiltin)
{
    public static OtaJournalView Read(string stateDirectory)
    {
        OtaJournal journal;
        try
        {
            journal = OtaStateStore.ForStateDirectory(stateDirectory).Load();
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return new OtaJournalView(null, null, false, false);
        }
        return new OtaJournalView(FullPath(journal.Active), FullPath(journal.Previous), journal.Active?.Builtin ?? false, journal.Previous?.Builtin ?? false);

        string? FullPath(OtaStateEntry? entry) =>
            entry?.Directory is { } directory ? Path.GetFullPath(Path.Combine(stateDirectory, directory)) : null;
    }
}
