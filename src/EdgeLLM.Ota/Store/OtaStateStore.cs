using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeLLM.Ota.Manifests;

namespace EdgeLLM.Ota.Store;

/// <summary>Reads and atomically replaces the OTA journal (write temp, fsync, rename, fsync directory).</summary>
internal sealed class OtaStateStore
{
    private static readonly JsonSerializerOptions Json = new(OtaJson.Indented)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public OtaStateStore(string path)
    {
        Path = path;
    }

    public string Path { get; }

    /// <summary>The journal; a fresh one when the file does not exist.</summary>
    /// <exception cref="JsonException">The file is not a journal (it is never half-written, so this means outside damage).</exception>
    public OtaStateDocument Load()
    {
        if (!File.Exists(Path))
        {
            return new OtaStateDocument();
        }

        return JsonSerializer.Deserialize<OtaStateDocument>(File.ReadAllBytes(Path), Json)
               ?? throw new JsonException($"{Path} holds null");
    }

    public void Save(OtaStateDocument state) =>
        DurableFileSystem.WriteAllBytesAtomically(Path, JsonSerializer.SerializeToUtf8Bytes(state, Json));
}
