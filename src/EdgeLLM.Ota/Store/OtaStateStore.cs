using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using EdgeLLM.Ota.Manifests;

namespace EdgeLLM.Ota.Store;

/// <summary>Reads and atomically replaces the OTA journal (write temp, fsync, rename, fsync directory).</summary>
public sealed class OtaStateStore
{
    // Source-generated (Native AOT); the encoder, which attributes cannot name, comes with the options.
    private static readonly JsonTypeInfo<OtaJournal> Json = new OtaJournalJson(new JsonSerializerOptions(OtaJson.Indented)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    }).OtaJournal;

    /// <param name="path">The journal file, <c>&lt;state&gt;/ota/ota-state.json</c>.</param>
    public OtaStateStore(string path)
    {
        Path = path;
    }

    /// <summary>The journal file.</summary>
    public string Path { get; }

    /// <summary>The journal of the state directory <paramref name="stateDirectory"/>.</summary>
    public static OtaStateStore ForStateDirectory(string stateDirectory) =>
        new(System.IO.Path.Combine(stateDirectory, OtaModelStore.OtaDirectoryName, OtaModelStore.StateFileName));

    /// <summary>The journal; a fresh one when the file does not exist.</summary>
    /// <exception cref="JsonException">The file is not a journal (it is never half-written, so this means outside damage).</exception>
    public OtaJournal Load()
    {
        if (!File.Exists(Path))
        {
            return new OtaJournal();
        }

        return JsonSerializer.Deserialize(File.ReadAllBytes(Path), Json)
               ?? throw new JsonException($"{Path} holds null");
    }

    /// <summary>Replaces the journal on disk atomically.</summary>
    public void Save(OtaJournal journal) =>
        DurableFileSystem.WriteAllBytesAtomically(Path, JsonSerializer.SerializeToUtf8Bytes(journal, Json));
}

/// <summary>The journal's source-generated serializer, built with <see cref="OtaStateStore"/>'s options.</summary>
[JsonSerializable(typeof(OtaJournal))]
internal sealed partial class OtaJournalJson : JsonSerializerContext;
